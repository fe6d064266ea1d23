"""Benign records, part 2 (from the held-out phone's IP: 10.46.0.3)."""
from core import *  # noqa
UA = 'Dalvik/2.1.0 (Linux; U; Android 14; SM-A546B Build/UP1A.231005.007)'
T = True
benign('GET', 'https://www.publico.pt/api/list/ultimas?page=2', {'User-Agent': UA, 'X-Request-Id': uuid4()}, '', 'news list with request UUID', T)
benign('GET', 'https://play.googleapis.com/download/by-token/download?token=' + hexs(64), {'User-Agent': 'AndroidDownloadManager/14'}, '',
       'app store download, hex token', T)
benign('POST', 'https://www.google-analytics.com/g/collect', {'Content-Type': 'text/plain'},
       form([('v', '2'), ('tid', 'G-%s' % 'K7XQ2M9PLA'), ('cid', '1234567890.1768381200'), ('en', 'page_view'), ('dl', 'https://www.jn.pt/')]),
       'GA4 collect without identifiers (client id is cookie-scoped)', T)
benign('GET', 'https://maps.googleapis.com/maps/api/place/nearbysearch/json?location=41.14961,-8.61099&radius=1500&type=restaurant&key=AIza' + hexs(20),
       {'User-Agent': UA}, '', 'nearby search around a searched place (Aliados)', T)
benign('GET', 'https://api.metrodoporto.example.pt/v1/stops/nearest?lat=41.1456&lon=-8.6111', {}, '', 'stop lookup for Sao Bento station coords', T)
benign('GET', 'https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js', {'If-None-Match': '"%s"' % hexs(40)}, '', 'CDN asset with ETag digest', T)
benign('POST', 'https://api.mbway.example.pt/v1/payments', {'Content-Type': 'application/json'},
       js({'merchantPhone': '+351220001234', 'amount': '12.50', 'reference': '123 456 789', 'entity': '21312', 'support': '808 200 520'}),
       'payment to merchant fixed-line / Multibanco reference', T)
benign('GET', 'https://api.github.com/repos/osmdroid/osmdroid/releases/latest', {'Accept': 'application/vnd.github+json'}, '', 'version check', T)
benign('POST', 'https://sync.app.example.com/v1/state', {'Content-Type': 'application/json', 'Content-Encoding': 'gzip'},
       gz(js({'build': 'samsung/a54xeea/a54x:14/UP1A.231005.007/A546BXXU5BXC1:user/release-keys', 'sdk': 34, 'imei': '000000000000000',
              'iccid': '00000000000000000000', 'mac': '02:00:00:00:00:00', 'adid': '00000000-0000-0000-0000-000000000000', 'serial': 'unknown'})),
       'placeholders only (gzip): zero IMEI/ICCID, 02:00.. MAC, zero ad id, unknown serial', T)
benign('GET', 'https://ipv6.speedtest.example.pt/hello?addr=2001:818:d8a2:4c00:1c4b:5ff2:9a10:7e31', {}, '', 'IPv6 address', T)
benign('GET', 'https://www.zomato-like.example.com/porto/restaurants?sort=rating&order=1768381200123', {}, '', 'ms timestamp', T)
benign('POST', 'https://api.ctt.example.pt/v2/shipments/track', {'Content-Type': 'application/json'},
       js({'tracking': ['LX123456789PT', 'CT987654321PT', '1Z999AA10123456784'], 'lang': 'pt'}), 'tracking numbers', T)
benign('GET', 'https://tile.thunderforest.example.com/cycle/14/7799/6123@2x.png?apikey=' + hexs(32), {}, '', 'map tile with api key', T)
benign('POST', 'https://api.fnac-like.example.pt/search', {'Content-Type': 'application/x-www-form-urlencoded'},
       form([('q', 'auscultadores'), ('ean', '8806094937456'), ('bbox', '41.10,-8.70,41.20,-8.55')]), 'product search with EAN + bbox', T)
benign('GET', 'https://android.googleapis.com/auth?service=oauth2&sha256=' + hexs(64), {'User-Agent': UA}, '', 'content sha256', T)
benign('POST', 'https://logs.example-cdn.com/beacon', {'Content-Type': 'application/json'},
       js({'traceId': hexs(32), 'spanId': hexs(16), 'durationNs': 48213377123, 'status': 200}), 'tracing span (hex ids, ns duration)', T)
benign('GET', 'https://api.openweathermap.org/data/2.5/weather?q=Porto,PT&units=metric&appid=' + hexs(32), {}, '', 'weather by city name', T)
