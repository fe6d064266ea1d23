"""Identifier records from the held-out phone, part 3."""
from core import *  # noqa
P = PHONE
UA = 'Dalvik/2.1.0 (Linux; U; Android 14; SM-A546B Build/UP1A.231005.007)'

# 17. hex-encoded body containing JSON with imsi, iccid
idrec('POST', 'https://esim-mgr.example.com/api/v1/profile/sync', {'Content-Type': 'application/octet-stream', 'X-Encoding': 'hex'},
      js({'imsi': P['imsi'], 'iccid': P['iccid'], 'eid': '', 'state': 'enabled'}).encode().hex(),
      'hex-encoded JSON body', ['imsi', 'iccid'])

# 18. RFC 7254 URN in header
i0 = P['imei'][0]
idrec('GET', 'https://devicecheck.example-oem.com/v1/warranty', {'X-Device-URN': 'urn:gsma:imei:%s-%s-%s' % (i0[:8], i0[8:14], i0[14]),
      'User-Agent': UA}, '', 'RFC 7254 urn:gsma:imei in header', ['imei'])

# 19. Amap-style cgi string + own location
idrec('GET', 'https://restapi.amap.com/v3/geocode/regeo?' + form([('key', hexs(32)), ('location', '%.6f,%.6f' % (P['lon'], P['lat'])),
      ('cgi', '268|06|%d|%s|-87' % (P['tac'], P['eci'])), ('network', 'LTE')]), {'User-Agent': UA}, '',
      'Amap-style reverse geocode with cgi and device location (lon,lat)', ['cell_id', 'location'])

# 20. double URL-encoded JSON in a form field
inner = js({'gaid': P['ad_id'], 'imei': P['imei'][1], 'sdk': '6.3.1'})
idrec('POST', 'https://sdk.adnet-eu.example.com/track', {'Content-Type': 'application/x-www-form-urlencoded'},
      form([('data', urllib.parse.quote(inner, safe='')), ('v', '2')]), 'form field with double URL-encoded JSON', ['ad_id', 'imei'])

# 21. JSON inside JSON string, serial under proper key + android id under generic key
idrec('POST', 'https://api.smart-home.example.de/v2/register', {'Content-Type': 'application/json'},
      js({'type': 'phone', 'payload': js({'serialno': P['serial'], 'id': P['android_id'], 'model': 'SM-A546B'})}),
      'JSON-in-JSON string; Android ID under generic key "id"', ['serial'], ['android_id'])

# 22. login form with national-format phone + email
idrec('POST', 'https://www.olx.pt/api/open/oauth/token', {'Content-Type': 'application/x-www-form-urlencoded'},
      form([('grant_type', 'password'), ('username', P['email']), ('phone', '%s %s %s' % (pt_national(P['phone'])[:3],
      pt_national(P['phone'])[3:6], pt_national(P['phone'])[6:])), ('password', 'x' * 8)]), 'OAuth password grant form', ['email', 'phone'])

# 23. carrier config fetch with IMSI + ICCID in query, IMEI SHA-1 (profile)
idrec('GET', 'https://carrierconfig.meo.example.pt/cfg?' + form([('imsi', P['imsi']), ('iccid', P['iccid']), ('h', gen.sha1(P['imei'][0])),
      ('gid1', 'FF'), ('ver', '3')]), {'User-Agent': UA}, '', 'carrier config query; SHA-1(IMEI)', ['imsi', 'iccid'], ['imei'])

# 24. Bluetooth + Wi-Fi MAC in device diagnostics (zlib)
idrec('POST', 'https://diag.wearables.example.com/v1/pair', {'Content-Type': 'application/json', 'Content-Encoding': 'deflate'},
      zl(js({'wifi_mac': P['mac'], 'bt_addr': P['bt_mac'].upper(), 'placeholder_mac': '02:00:00:00:00:00', 'rssi': -61})),
      'wearable pairing diagnostics, zlib; includes placeholder MAC', ['mac'])

# 25. MD5 of IMEI only + location in GeoJSON
idrec('POST', 'https://api.runtracker.example.eu/v1/activities', {'Content-Type': 'application/geo+json'},
      js({'type': 'Feature', 'properties': {'device': gen.md5(P['imei'][1]), 'sport': 'run'},
          'geometry': {'type': 'LineString', 'coordinates': [[round(P['lon'] + 0.0001 * k, 6), round(P['lat'] + 0.0001 * k, 6)] for k in range(4)]}}),
      'GeoJSON track of the device; MD5(IMEI)', ['location'], ['imei'])
