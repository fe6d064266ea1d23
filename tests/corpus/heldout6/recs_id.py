"""Identifier-bearing records, part 1."""
from core import *  # noqa
P = PHONE
UA_P = 'Dalvik/2.1.0 (Linux; U; Android 14; SM-A546B Build/UP1A.231005.007)'

# 1. China Telecom self-registration (base64 JSON, wrapped) from the held-out phone
o = {'REGVER': '8.0', 'MEID': '', 'MODEL': 'SM-A546B', 'SWVER': 'A546BXXU5BXC1', 'SIM1CDMAIMSI': '',
     'UETYPE': '1', 'SIM1ICCID': P['iccid'], 'SIM1LTEIMSI': P['imsi'], 'SIM1TYPE': '2', 'SIM2ICCID': '00000000000000000000',
     'SIM2LTEIMSI': '111111111111111', 'MACID': P['mac'].upper(), 'OSVER': 'Android14', 'ROM': '128G', 'RAM': '6G',
     'IMEI1': P['imei'][0], 'IMEI2': P['imei'][1], 'SIM1CELLID': P['eci'], 'SIM2CELLID': '', 'DATASIM': '1',
     'REGDATE': '2026-01-14 09:12:44'}
idrec('POST', 'http://zzhc.vnet.cn/', {'Content-Type': 'application/encrypted-json', 'User-Agent': UA_P},
      b64wrap(js(o)), 'China Telecom self-registration v8.0 (base64 JSON)',
      ['imei', 'iccid', 'imsi', 'mac', 'cell_id'])

# 2. Google-style advertising SDK query string with GAID + android_id
idrec('GET', 'https://googleads.g.doubleclick.net/mads/gma?' + form([
    ('rdid', P['ad_id']), ('is_lat', '0'), ('android_id', P['android_id']), ('os', 'android'), ('ms', hexs(40)),
    ('sdk', 'afma-sdk-a-v233012999.231710000.1')]), {'User-Agent': UA_P}, '',
      'Mobile ads SDK ad request query string', ['ad_id', 'android_id'])

# 3. Firebase-like installation / push registration with serial under generic key (profile only)
idrec('POST', 'https://fcmregistrations.googleapis.com/v1/projects/pt-banco-app/registrations',
      {'Content-Type': 'application/json', 'User-Agent': UA_P},
      js({'web': {'applicationPubKey': b64url(hexs(32))}, 'device': {'model': 'SM-A546B', 'hw': P['serial'],
          'osv': '14', 'locale': 'pt_PT'}, 'token': hexs(22) + ':APA91b' + hexs(60)}),
      'FCM-style push registration JSON (serial under "hw")', [], ['serial'])

# 4. Weather app sends precise location of the device (lat/lon) + hashed IMEI (profile)
idrec('GET', 'https://api.ipma.example.pt/v2/nowcast?' + form([('lat', '%.5f' % P['lat']), ('lon', '%.5f' % P['lon']),
      ('did', gen.md5(P['imei'][0])), ('lang', 'pt')]), {'User-Agent': 'TempoPT/5.2 (Android 14)'}, '',
      'weather nowcast for device position; did=MD5(IMEI)', ['location'], ['imei'])

# 5. EAP-AKA identity in Wi-Fi calling / entitlement (EAP-NAI)
nai = '0%s@wlan.mnc%03d.mcc%s.3gppnetwork.org' % (P['imsi'], int(P['imsi'][3:5]), P['imsi'][:3])
idrec('POST', 'https://aes.mnc006.mcc268.pub.3gppnetwork.org/generic_devices', {'Content-Type': 'application/json',
      'User-Agent': 'TS.43 ServiceEntitlement'},
      js({'eap-relay-packet': b64(b'\x02\x01\x00\x38\x01' + nai.encode()), 'terminal_id': P['imei'][0],
          'terminal_vendor': 'SEC', 'terminal_model': 'SM-A546B', 'app': 'ap2004', 'vers': '0', 'entitlement_version': '9.0'}),
      'GSMA TS.43 entitlement request with base64 EAP-Response/Identity NAI', ['imsi', 'imei'])

# --- other devices ---
d = device('DE', '35')
idrec('POST', 'https://telemetry.autohaus-app.de/v1/events', {'Content-Type': 'application/json',
      'X-Device-Id': d['android_id'], 'User-Agent': 'okhttp/4.12.0'},
      js({'events': [{'name': 'app_open', 'ts': 1768381200123}], 'device': {'imei': d['imei'], 'mac': d['mac'],
          'androidId': d['android_id'], 'lang': 'de_DE'}}),
      'analytics batch JSON with device block', ['imei', 'mac', 'android_id'], dev=d)

d = device('CN', '86')
idrec('GET', 'http://log.umsdk.cn/collect?' + form([('imei', d['imei']), ('imsi', d['imsi']), ('mac', d['mac'].replace(':', '')),
      ('oaid', d['ad_id']), ('lng', '%.6f' % d['lon']), ('lat', '%.6f' % d['lat'])]), {'User-Agent': 'Dalvik/2.1.0'}, '',
      'CN analytics SDK GET beacon', ['imei', 'imsi', 'mac', 'ad_id', 'location'], dev=d)

d = device('FR', '35')
idrec('POST', 'https://api.meteo-locale.fr/v3/alerts/subscribe', {'Content-Type': 'application/x-www-form-urlencoded'},
      form([('msisdn', d['phone']), ('email', d['email']), ('lat', '%.5f' % d['lat']), ('lng', '%.5f' % d['lon'])]),
      'form-urlencoded alert subscription', ['phone', 'email', 'location'], dev=d)

d = device('US', '01')
h, dec = make_meid()
idrec('POST', 'https://dm.carrier-ota.example.com/oma/dm', {'Content-Type': 'application/vnd.syncml.dm+xml'},
      '<SyncML><SyncHdr><Source><LocURI>MEID:%s</LocURI></Source></SyncHdr><SyncBody><Replace><Item><Source>'
      '<LocURI>./DevInfo/DevId</LocURI></Source><Data>MEID:%s</Data></Item><Item><Source><LocURI>./DevDetail/Ext/IMSI'
      '</LocURI></Source><Data>%s</Data></Item></Replace></SyncBody></SyncML>' % (h, h, d['imsi']),
      'OMA-DM SyncML XML with MEID LocURI', ['meid', 'imsi'], dev=d)
