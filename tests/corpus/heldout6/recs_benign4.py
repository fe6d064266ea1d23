"""Benign records, part 4."""
from core import *  # noqa
b = benign
b('GET', 'https://api.example-weather.pl/v1/forecast?lat=52.23&lon=21.01', {}, '', 'city weather (2 decimals)', False)
b('POST', 'https://api.example-pay.in/v1/upi/collect', {'Content-Type': 'application/json'},
  js({'payee': 'merchant@upi-example', 'txnId': 'T2026011409124412345', 'customerCare': '1800 123 4567'}), 'UPI collect (merchant, toll-free)', False)
b('GET', 'https://www.example-maps.es/api/route?origin=40.4168,-3.7038&destination=41.3874,2.1686', {}, '', 'route between cities', False)
b('POST', 'https://api.example-grpc.com/pkg.Service/Get', {'Content-Type': 'application/grpc'},
  b'\x00' + len(pb_str(1, 'list') + pb_int(2, 1768381200123)).to_bytes(4, 'big') + pb_str(1, 'list') + pb_int(2, 1768381200123),
  'gRPC frame with a timestamp only', False)
b('GET', 'https://api.example-stocks.com/v1/quote?isin=US0378331005', {}, '', 'ISIN lookup', False)
b('POST', 'https://api.example-forms.de/v1/newsletter', {'Content-Type': 'application/x-www-form-urlencoded'},
  form([('list', 'weekly'), ('confirm_url', 'https://example-forms.de/c/' + hexs(32))]), 'newsletter form without email', False)
b('GET', 'https://api.example-ble.com/v1/gatt?service=0000180d-0000-1000-8000-00805f9b34fb', {}, '', 'Bluetooth GATT UUID', False)
b('GET', 'https://api.example-photos.com/v1/exif?hash=sha256:' + hexs(64), {}, '', 'content digest', False)
