"""Identifier records from other devices, part 5."""
from core import *  # noqa

for reg_ in ['DE', 'FR', 'IT', 'PL']:
    d = device(reg_, '35')
    idrec('GET', 'https://app-measurement.com/a?' + form([('gmp_app_id', '1:%s:android:%s' % (digits(12), hexs(16))),
          ('adid', d['ad_id']), ('app_instance_id', hexs(32)), ('ts', '1768381200%s' % digits(3))]), {'User-Agent': 'okhttp/4.12.0'}, '',
          'analytics measurement beacon with adid (%s)' % reg_, ['ad_id'], dev=d)

d = device('SE', '99')
idrec('POST', 'https://api.telia-like.example.se/selfcare/v1/sim', {'Content-Type': 'application/soap+xml'},
      '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><GetSimStatus>'
      '<Msisdn>%s</Msisdn><Iccid>%s</Iccid><Imsi>%s</Imsi></GetSimStatus></soap:Body></soap:Envelope>' % (d['phone'][1:], d['iccid'], d['imsi']),
      'SOAP selfcare SIM status', ['phone', 'iccid', 'imsi'], dev=d)

d = device('US', '35')
idrec('GET', 'https://api.weather-us.example.com/v3/wx/conditions/current?' + form([('geocode', '%.4f,%.4f' % (d['lat'], d['lon'])),
      ('format', 'json')]), {'Cookie': 'idfa=%s; _ga=GA1.2.%s.1768381200' % (d['ad_id'], digits(10))}, '',
      'weather for the device GPS (4 decimals) + idfa cookie', ['location', 'ad_id'], dev=d)

d = device('IN', '86')
h, dec = make_meid()
idrec('POST', 'https://reg.oem-india.example.in/warranty', {'Content-Type': 'application/json'},
      js({'meid_dec': dec, 'imei1': d['imei'], 'ro.serialno': d['serial'], 'mobile': d['phone']}),
      'warranty registration with decimal MEID', ['meid', 'imei', 'serial', 'phone'], dev=d)

d = device('DE', '35')
idrec('GET', 'https://login.telekom-like.example.de/oauth/userinfo', {'Authorization': 'Bearer ' + jwt({'email': d['email'], 'msisdn': d['phone'],
      'aud': 'app'})}, '', 'JWT with email and msisdn', ['email', 'phone'], dev=d)

d = device('PT', '35')
idrec('POST', 'https://api.via-verde.example.pt/v1/devices', {'Content-Type': 'application/json'},
      js({'deviceInfo': {'androidId': d['android_id'], 'ssaid': d['android_id'], 'macAddress': d['mac'].upper(), 'wifiBssid': make_mac()}}),
      'device info block (camelCase)', ['android_id', 'mac', 'wifi_bssid'], dev=d)

d = device('CN', '86')
idrec('POST', 'https://api.ts-ad.example.cn/sdk/v3', {'Content-Type': 'application/json'},
      js({'dev': {'imei': d['imei'], 'imsi': d['imsi'], 'cellid': d['eci'], 'lac': 4566, 'wifi_list': [{'bssid': make_mac(), 'rssi': -55},
          {'bssid': make_mac(), 'rssi': -70}], 'lat': d['lat'], 'lng': d['lon']}}),
      'CN ad SDK with cell, wifi list and location', ['imei', 'imsi', 'cell_id', 'wifi_bssid', 'location'], dev=d)

d = device('IT', '35')
idrec('POST', 'https://api.iliad-like.example.it/v1/esim/activate', {'Content-Type': 'application/json'},
      js({'iccid': d['iccid'] + 'F', 'imei': d['imei'], 'eid': '0' * 32}), 'eSIM activation, ICCID with trailing F', ['iccid', 'imei'], dev=d)

d = device('FR', '35')
idrec('POST', 'https://api.covoit.example.fr/v2/trips/live', {'Content-Type': 'application/json'},
      js({'trip': 'T-%s' % digits(8), 'driver_position': {'lat': d['lat'], 'lng': d['lon'], 'acc': 8}, 'destination': {'lat': 45.764, 'lng': 4.8357}}),
      'carpool live position (own position + destination)', ['location'], dev=d)

d = device('PL', '35')
idrec('POST', 'https://crash.example-sdk.pl/api/reports', {'Content-Type': 'text/plain'},
      'Build fingerprint: samsung/a54xeea/a54x:14/UP1A.231005.007/A546BXXU5BXC1:user/release-keys\n'
      'ro.serialno=%s\npersist.sys.wifi.mac=%s\n' % (d['serial'], d['mac']),
      'tombstone/property dump text', ['serial', 'mac'], dev=d)

d = device('ES', '86')
idrec('GET', 'https://api.dgt-like.example.es/v1/sms/verify?' + form([('telefono', d['phone'][3:]), ('pais', 'ES'),
      ('email', d['email'])]), {}, '', 'SMS verification query (national number)', ['phone', 'email'], dev=d)
