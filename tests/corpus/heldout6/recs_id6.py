"""Identifier records from other devices, part 6."""
from core import *  # noqa

d = device('IT', '35')
idrec('POST', 'https://api.example-insurance.it/telematics/v1/trip', {'Content-Type': 'application/json'},
      js({'samples': [{'t': 1768381200 + k, 'lat': round(d['lat'] + k * 0.0002, 6), 'lon': round(d['lon'] + k * 0.0002, 6)} for k in range(3)],
          'imei': d['imei']}), 'insurance telematics trip samples', ['location', 'imei'], dev=d)

d = device('DE', '49')
mac_dash = d['mac'].replace(':', '-').upper()
idrec('GET', 'https://captive.hotspot-bahn.example.de/login?' + form([('client_mac', mac_dash), ('ap_mac', make_mac(upper=True)),
      ('ssid', 'WIFIonICE'), ('url', 'http://connectivitycheck.gstatic.com/generate_204')]), {}, '',
      'captive portal redirect with client and AP MACs', ['mac', 'wifi_bssid'], dev=d)

d = device('CN', '86')
idrec('POST', 'https://api.example-cn-push.cn/v2/register', {'Content-Type': 'application/x-www-form-urlencoded',
      'User-Agent': 'Dalvik/2.1.0 (Linux; U; Android 12; IMEI/%s)' % d['imei']},
      form([('regid', hexs(40)), ('phone', d['phone']), ('iccid', d['iccid'])]), 'push registration; IMEI in User-Agent',
      ['imei', 'phone', 'iccid'], dev=d)

d = device('US', '35')
h, dec = make_meid()
idrec('GET', 'https://activation.example-mvno.com/v1/eligibility?' + form([('meid', h.lower()), ('zip', '98101'), ('email', d['email'])]),
      {}, '', 'MVNO eligibility (lower-case hex MEID)', ['meid', 'email'], dev=d)

d = device('PL', '86')
aps = [make_mac(sep='') for _ in range(3)]
idrec('POST', 'https://api.example-loc.pl/v1/wifi', {'Content-Type': 'application/json'},
      js({'scan': [{'b': a, 'l': -50 - i} for i, a in enumerate(aps)], 'androidId': d['android_id']}),
      'Wi-Fi scan list (separator-less BSSIDs) + androidId', ['wifi_bssid', 'android_id'], dev=d)

d = device('SE', '35')
idrec('POST', 'https://api.example-health.se/v1/sos', {'Content-Type': 'application/json'},
      js({'caller': d['phone'], 'position': '%.6f,%.6f' % (d['lat'], d['lon']), 'cell': {'mcc': 240, 'mnc': 1, 'tac': 1234, 'eci': int(d['eci'])}}),
      'emergency/SOS app: lat,lon string + LTE ECI', ['phone', 'location', 'cell_id'], dev=d)

d = device('FR', '35')
idrec('GET', 'https://api.example-fr-bank.fr/v1/device/check', {'X-Device-Serial': d['serial'], 'X-Advertising-Id': d['ad_id']}, '',
      'device check headers (serial, advertising id)', ['serial', 'ad_id'], dev=d)
