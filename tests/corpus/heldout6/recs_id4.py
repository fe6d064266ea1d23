"""Identifier records from other devices, part 4."""
from core import *  # noqa

d = device('CN', '86')
h, dec = make_meid()
idrec('POST', 'http://zzhc.vnet.cn:9999/', {'Content-Type': 'application/encrypted-json'},
      b64(js({'REGVER': '5.0', 'MEID': h, 'MODEL': 'ZTE-MF286', 'SIM1CDMAIMSI': d['imsi'], 'SIM1ICCID': d['iccid'],
              'SIM1CELLID': d['eci'], 'MACID': d['mac'].replace(':', '').upper(), 'IMEI1': d['imei']})),
      'China Telecom self-registration v5 (IoT module, port 9999)', ['meid', 'imsi', 'iccid', 'cell_id', 'mac', 'imei'], dev=d)

d = device('IN', '86')
idrec('POST', 'https://api.kyc-wallet.example.in/v2/device/bind', {'Content-Type': 'application/json', 'X-Device-Id': d['imei']},
      js({'mobile': d['phone'][3:], 'countryCode': '+91', 'deviceInfo': {'imei': [d['imei'], d['imei2']], 'simSerial': d['iccid'],
          'subscriberId': d['imsi']}}), 'wallet device binding (India): IMEI header, imei array, simSerial',
      ['imei', 'iccid', 'imsi', 'phone'], dev=d)

d = device('ES', '35')
idrec('GET', 'https://ads.mediacomm.example.es/v1/bid?' + form([('ifa', d['ad_id']), ('ip', '0'), ('geo', '%.5f,%.5f' % (d['lat'], d['lon'])),
      ('ua', 'Mozilla/5.0')]), {}, '', 'OpenRTB-style bid request query (ifa, geo)', ['ad_id', 'location'], dev=d)

d = device('IT', '35')
o = {'id': uuid4(), 'imp': [{'id': '1', 'banner': {'w': 320, 'h': 50}}], 'device': {'ifa': d['ad_id'], 'os': 'Android',
     'geo': {'lat': d['lat'], 'lon': d['lon'], 'type': 1}, 'carrier': 'TIM', 'mccmnc': '222-01', 'dnt': 0}, 'user': {'id': hexs(16)}}
idrec('POST', 'https://rtb.exchange-it.example.com/openrtb2/auction', {'Content-Type': 'application/json', 'x-openrtb-version': '2.5'},
      js(o), 'OpenRTB 2.5 bid request JSON (device.ifa, device.geo GPS)', ['ad_id', 'location'], dev=d)

d = device('PL', '35')
idrec('POST', 'https://push.allegro-like.example.pl/api/v1/tokens', {'Content-Type': 'application/json'},
      js({'push_token': hexs(64), 'device_serial': d['serial'], 'android_id': d['android_id'], 'user_email': d['email']}),
      'push token registration (snake_case)', ['serial', 'android_id', 'email'], dev=d)

d = device('SE', '35')
idrec('GET', 'https://api.bankid-like.example.se/rp/v6/collect?' + form([('phone', d['phone']), ('imei', '%s-%s-%s' % (d['imei'][:2],
      d['imei'][2:8], d['imei'][8:])), ('imsi', '111111111111111')]), {}, '', 'dashed IMEI, placeholder IMSI next to real phone',
      ['phone', 'imei'], dev=d)

d = device('FR', '49')
idrec('POST', 'https://wifi-auth.hotspot.example.fr/eap', {'Content-Type': 'application/json'},
      js({'identity': '0%s@wlan.mnc%03d.mcc%s.3gppnetwork.org' % (d['imsi'], int(d['mnc']), d['mcc']), 'method': 'EAP-SIM'}),
      'EAP-SIM identity NAI (Passpoint hotspot)', ['imsi'], dev=d)

d = device('US', '35')
idrec('POST', 'https://firebaselogging-pa.googleapis.com/v1/firelog/legacy/batchlog', {'Content-Type': 'application/x-protobuf'},
      pb_str(1, pb_str(1, 'ANDROID') + pb_str(3, 'android_id') + pb_str(4, d['android_id'])) + pb_str(2, pb_str(1, 'imei') + pb_str(2, d['imei'])),
      'protobuf with key/value string pairs', ['android_id', 'imei'], dev=d)

d = device('DE', '35')
aps = [make_mac(upper=True, sep='-') for _ in range(3)]
idrec('POST', 'https://api.wigle-like.example.net/api/v3/file/upload', {'Content-Type': 'text/csv'},
      'WigleWifi-1.6,appRelease=2.70\nMAC,SSID,AuthMode,FirstSeen,Channel,RSSI,CurrentLatitude,CurrentLongitude,AltitudeMeters,AccuracyMeters,Type\n' +
      ''.join('%s,Net%d,[WPA2-PSK-CCMP][ESS],2026-01-14 09:1%d:00,%d,-%d,%.6f,%.6f,41,5,WIFI\n' % (a, i, i, [1, 6, 11][i], 60 + i, d['lat'], d['lon'])
              for i, a in enumerate(aps)), 'wardriving CSV (BSSIDs with device location)', ['wifi_bssid', 'location'], dev=d)

d = device('CN', '86')
idrec('POST', 'https://api.mi-like.example.cn/device/activate', {'Content-Type': 'application/x-www-form-urlencoded'},
      form([('sign', hexs(32)), ('params', b64(gz(js({'imei_md5': gen.md5(d['imei']), 'imei': d['imei'], 'serial': d['serial'], 'oaid': d['ad_id']}))))]),
      'activation form: base64 of gzip JSON', ['imei', 'ad_id', 'serial'], dev=d)

d = device('PT', '35')
idrec('GET', 'https://api.uber-like.example.com/v1/eta?' + form([('pickup_lat', '%.6f' % d['lat']), ('pickup_lng', '%.6f' % d['lon']),
      ('device_lat', '%.6f' % d['lat']), ('device_lng', '%.6f' % d['lon']), ('dest', 'Aeroporto Humberto Delgado')]),
      {'X-Uber-Device-Id': d['ad_id'].upper()}, '', 'ride-hailing ETA with device position', ['location'], dev=d)

d = device('ES', '01')
idrec('POST', 'https://telemetria.iot-flota.example.es/v1/tracker', {'Content-Type': 'text/plain'},
      '*HQ,%s,V1,091244,A,4024.3021,N,00342.0120,W,000.0,000,140126,FFFFFBFF,214,01,%d,%s#' % (d['imei'], 0x1A2B, d['eci']),
      'GPS tracker (H02-like text protocol): IMEI, position, LAC/CID', ['imei', 'location', 'cell_id'], dev=d)
