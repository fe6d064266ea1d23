"""Benign records, part 1."""
from core import *  # noqa

benign('GET', 'https://api.open-meteo.com/v1/forecast?latitude=41.15&longitude=-8.61&hourly=temperature_2m',
       {'User-Agent': 'TempoPT/5.2 (Android 14)'}, '', 'weather for a city (2 decimals)', True)
benign('GET', 'https://tile.openstreetmap.org/15/15599/12247.png', {'User-Agent': 'osmdroid/6.1.18'}, '', 'OSM map tile', True)
benign('POST', 'https://checkout.stripe.example.com/v1/payment_methods', {'Content-Type': 'application/x-www-form-urlencoded',
       'Idempotency-Key': uuid4()}, form([('type', 'card'), ('card[number]', '4242424242424242'), ('card[exp_month]', '12'),
       ('card[exp_year]', '2030'), ('card[cvc]', '123')]), 'payment API with Luhn-valid test card', False)
benign('GET', 'https://www.ctt.pt/feapl_2/app/open/objectSearch/objectSearch.jspx?objects=RR123456785PT',
       {'User-Agent': 'CTT/3.1'}, '', 'parcel tracking number', True)
benign('POST', 'https://api.loja-online.example.pt/orders/confirm', {'Content-Type': 'application/json',
       'X-Request-Id': uuid4()}, js({'orderNumber': '351204718823945', 'invoice': '89012345678901234567',
       'ean': '5601234567897', 'createdAt': 1768381200123456789}), '15-digit order number, 20-digit invoice starting 89, EAN', False)
