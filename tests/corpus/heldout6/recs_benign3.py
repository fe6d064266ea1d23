"""Benign records, part 3 (other clients 10.46.1.x)."""
from core import *  # noqa
F = False
b = benign
b('GET', 'https://www.elmundo.es/rss/portada.xml', {'User-Agent': 'Feedly/1.0'}, '', 'RSS news feed', F)
b('GET', 'https://api.spiegel-like.example.de/v2/articles?since=1768381200000&limit=20', {'X-Trace-Id': uuid4()}, '', 'ms timestamp + trace UUID', F)
b('POST', 'https://api.zalando-like.example.de/checkout/orders', {'Content-Type': 'application/json'},
  js({'orderId': '104938271650392', 'items': [{'sku': 'ZA-1X2Y3Z', 'ean': '4006381333931'}], 'card': '5555555555554444'}),
  '15-digit order id, EAN, Luhn-valid test Mastercard', F)
b('GET', 'https://b.tile.openstreetmap.fr/osmfr/16/33190/22545.png', {}, '', 'OSM FR tile', F)
b('GET', 'https://api.mapbox.com/geocoding/v5/mapbox.places/Torre%20Eiffel.json?proximity=2.2945,48.8584&access_token=pk.' + b64url(hexs(30)),
  {}, '', 'geocoding search for a landmark', F)
b('POST', 'https://api.sncf-like.example.fr/v1/journeys', {'Content-Type': 'application/json'},
  js({'from': {'lat': 48.8443, 'lon': 2.3744, 'name': 'Gare de Lyon'}, 'to': {'lat': 45.7605, 'lon': 4.8597, 'name': 'Lyon Part-Dieu'},
      'datetime': '20260114T091200'}), 'journey planner between stations', F)
b('GET', 'https://www.ilmeteo-like.example.it/api/forecast?citta=Milano&lat=45.46&lon=9.19', {}, '', 'weather for a city', F)
b('POST', 'https://api.klarna-like.example.se/payments/v1/sessions', {'Content-Type': 'application/json', 'Idempotency-Key': uuid4()},
  js({'purchase_country': 'SE', 'order_amount': 49900, 'merchant_reference1': '89460000000000012345', 'support_phone': '+46771234567',
      'notify': 'noreply@klarna-like.example.se'}), 'payment session: 20-digit ref starting 89, business number, noreply email', F)
b('GET', 'https://api.allegro-like.example.pl/offers/listing?phrase=telefon&ean=5901234123457', {}, '', 'search with EAN', F)
b('GET', 'https://update.example-oem.com/ota/check?model=SM-A546B&build=UP1A.231005.007&csc=EUX&fingerprint=' +
  urllib.parse.quote('samsung/a54xeea/a54x:14/UP1A.231005.007/A546BXXU5BXC1:user/release-keys'), {}, '', 'OTA check without device ids', F)
b('POST', 'https://firebaseremoteconfig.googleapis.com/v1/projects/%s/namespaces/firebase:fetch' % digits(12),
  {'Content-Type': 'application/json'}, js({'appId': '1:%s:android:%s' % (digits(12), hexs(16)), 'appVersion': '7.4.2',
  'languageCode': 'de-DE', 'platformVersion': '34', 'timeZone': 'Europe/Berlin'}), 'remote config fetch, no ids', F)
b('GET', 'https://dns.google/resolve?name=example.com&type=AAAA', {}, '', 'DNS over HTTPS', F)
b('GET', 'https://api.weather.example.cn/v7/weather/now?location=101020100&key=' + hexs(32), {}, '', 'city code weather lookup (9 digits)', F)
b('POST', 'https://log.tbs-like.example.cn/report', {'Content-Type': 'application/json'},
  js({'imei': '', 'imsi': '111111111111111', 'mac': '02:00:00:00:00:00', 'oaid': '00000000-0000-0000-0000-000000000000', 'ver': '4.3.0'}),
  'CN SDK report with placeholders only', F)
b('GET', 'https://cdn.example-video.com/hls/%s/seg_00042.ts' % hexs(40), {'Range': 'bytes=0-1048575'}, '', 'video segment, sha1 path', F)
b('POST', 'https://api.search-like.example.com/v1/suggest', {'Content-Type': 'application/x-www-form-urlencoded'},
  form([('q', 'farmacia de servicio'), ('ll', '40.4153,-3.7074'), ('z', '15')]), 'search with map viewport center', F)
b('GET', 'https://www.example-store.es/tiendas?bbox=-3.75,40.38,-3.65,40.46', {}, '', 'store locator bbox', F)
b('POST', 'https://api.example-chat.com/v1/keys', {'Content-Type': 'application/json'},
  js({'fingerprint': ':'.join(hexs(2) for _ in range(20)), 'alg': 'ed25519', 'pub': b64(hexs(32))}), 'colon-hex key fingerprint (20 bytes)', F)
b('GET', 'https://api.example-bt.com/v1/firmware?hw=1.2.3.4&ver=10.0.19045.3803', {}, '', 'version strings', F)
b('POST', 'https://contact.example-shop.de/api/support', {'Content-Type': 'application/json'},
  js({'to': 'support@example-shop.de', 'from': 'noreply@example-shop.de', 'hotline': '+49 800 1234567', 'subject': 'Bestellung 104938271650392'}),
  'support contact (company email, toll-free)', F)
b('GET', 'https://pagead2.googlesyndication.com/getconfig/pubvars?client=ca-app-pub-%s' % digits(16), {}, '', 'ad config, publisher id', F)
b('POST', 'https://api.example-bank.it/v1/iban/validate', {'Content-Type': 'application/json'},
  js({'iban': 'IT60X0542811101000000123456', 'bic': 'BPMOIT22XXX'}), 'IBAN validation (example IBAN)', F)
b('GET', 'https://api.example-news.in/v1/headlines?lang=hi&region=IN&page=1', {}, '', 'news headlines', F)
b('POST', 'https://upload.example-photos.com/v1/media', {'Content-Type': 'application/octet-stream', 'X-Goog-Hash': 'md5=' + b64(hexs(16))},
  gz('fake jpeg bytes ' * 20), 'binary upload (gzip) with content hash header', F)
b('GET', 'https://api.example-flights.com/v2/status/TP1234?date=2026-01-14', {}, '', 'flight status', F)
b('POST', 'https://api.example-analytics.io/v1/track', {'Content-Type': 'application/json'},
  js({'event': 'button_click', 'anonymousId': uuid4(), 'messageId': uuid4(), 'timestamp': '2026-01-14T09:12:44.123Z', 'context': {'app': {'version': '3.2.1'}}}),
  'analytics event with random UUIDs (anonymousId, messageId)', F)
b('GET', 'https://www.example-lottery.pt/api/results?draw=2026004&numbers=05-12-23-34-45', {}, '', 'lottery numbers', F)
b('POST', 'https://api.example-ecom.pl/v1/cart', {'Content-Type': 'application/json', 'Cookie': 'session=' + hexs(48)},
  js({'items': [{'id': 350012345678901, 'qty': 1}], 'coupon': 'ZIMA2026'}), '15-digit numeric product id starting 35 (not Luhn-checked semantics)', F)
b('GET', 'https://api.example-transit.se/v1/departures?stopId=740000001&time=1768381200', {}, '', 'transit departures', F)
b('GET', 'https://tiles.example-maps.cn/v1/tile?x=54873&y=26739&z=16&lat=31.2304&lng=121.4737', {}, '', 'map tile centre of city', F)
b('POST', 'https://api.example-sms-gw.com/v1/otp/template', {'Content-Type': 'application/json'},
  js({'sender': 'EXAMPLE', 'template': 'Your code is {code}', 'ttl': 300, 'request_id': hexs(24)}), 'OTP template without recipient', F)
b('GET', 'https://connectivitycheck.gstatic.com/generate_204', {'User-Agent': 'Dalvik/2.1.0'}, '', 'captive portal check', F)
b('GET', 'https://api.example-weather.de/v1/radar?bbox=5.8,47.2,15.1,55.1&ts=1768381200', {}, '', 'radar bbox', F)
b('POST', 'https://api.example-crash.com/v1/symbols', {'Content-Type': 'application/json'},
  js({'buildId': hexs(40), 'arch': 'arm64-v8a', 'module': 'libapp.so', 'uuid': uuid4()}), 'symbol upload (build id, uuid)', F)
