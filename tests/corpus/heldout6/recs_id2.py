"""Identifier records from the held-out phone, part 2."""
from core import *  # noqa
P = PHONE
UA = 'Dalvik/2.1.0 (Linux; U; Android 14; SM-A546B Build/UP1A.231005.007)'
def ap():
    return make_mac()
APS = [ap() for _ in range(4)]
NEIGH = [reg(str(R.randrange(30000, 99000) * 256 + R.randrange(1, 30))) for _ in range(2)]

# 6. geolocate: wifi scan + serving/neighbour cells, no own position
idrec('POST', 'https://www.googleapis.com/geolocation/v1/geolocate?key=AIza' + hexs(20), {'Content-Type': 'application/json'},
      js({'considerIp': False, 'radioType': 'lte', 'cellTowers': [
          {'cellId': int(P['eci']), 'locationAreaCode': P['tac'], 'mobileCountryCode': 268, 'mobileNetworkCode': 6, 'signalStrength': -87},
          {'cellId': int(NEIGH[0]), 'locationAreaCode': P['tac'], 'mobileCountryCode': 268, 'mobileNetworkCode': 6}],
          'wifiAccessPoints': [{'macAddress': m, 'signalStrength': -50 - 7 * i, 'channel': [1, 6, 36, 11][i]} for i, m in enumerate(APS)]}),
      'Geolocation API request (wifiAccessPoints + cellTowers)', ['wifi_bssid', 'cell_id'])

# 7. geosubmit with own position
idrec('POST', 'https://location.services.mozilla.com/v2/geosubmit', {'Content-Type': 'application/json', 'Content-Encoding': 'gzip'},
      gz(js({'items': [{'timestamp': 1768381200000, 'position': {'latitude': P['lat'], 'longitude': P['lon'], 'accuracy': 12.5,
          'source': 'gps'}, 'wifiAccessPoints': [{'macAddress': APS[1].upper(), 'ssid': 'MEO-4F2A10'}, {'macAddress': APS[2]}],
          'cellTowers': [{'radioType': 'lte', 'mobileCountryCode': 268, 'mobileNetworkCode': 6, 'locationAreaCode': P['tac'],
                          'cellId': int(P['eci']), 'primaryScramblingCode': 212}]}]})),
      'MLS geosubmit v2, gzip', ['location', 'wifi_bssid', 'cell_id'])

# 8. OTA update check
idrec('POST', 'https://fota-cloud-dn.ospserver.net/firmware/SEP/SM-A546B/version.xml', {'Content-Type': 'text/xml', 'User-Agent': 'SAMSUNG-Android'},
      '<?xml version="1.0"?><FUSMsg><FUSBody><Put><DEVICE_MODEL_NAME><Data>SM-A546B</Data></DEVICE_MODEL_NAME>'
      '<DEVICE_IMEI_PUSH><Data>%s</Data></DEVICE_IMEI_PUSH><ro.serialno><Data>%s</Data></ro.serialno><DEVICE_PDA_CODE1_VERSION>'
      '<Data>A546BXXU5BXC1</Data></DEVICE_PDA_CODE1_VERSION><MCC>268</MCC><MNC>06</MNC></Put></FUSBody></FUSMsg>' % (P['imei'][0], P['serial']),
      'OTA firmware check XML', ['imei', 'serial'])

# 9. crash report multipart with logcat
bnd = '----' + hexs(24)
log = ('01-14 09:12:44.120  1820  1820 I PhoneInterfaceManager: getImeiForSlot: slot=0 imei=%s\n'
       '01-14 09:12:44.121  1820  1820 D ServiceStateTracker: CellIdentityLte:{ mCi=%s mPci=211 mTac=%d mEarfcn=1275 mBands=[3] '
       'mBandwidth=20000 mMcc=268 mMnc=06 mAlphaLong=MEO mAlphaShort=MEO}\n'
       '01-14 09:12:44.300  2211  2230 E AndroidRuntime: FATAL EXCEPTION: main\n'
       '01-14 09:12:44.301  2211  2230 E AndroidRuntime: java.lang.NullPointerException at pt.app.Main.onCreate(Main.java:42)\n'
       ) % (P['imei'][1], P['eci'], P['tac'])
body = ('--%s\r\nContent-Disposition: form-data; name="product"\r\n\r\npt.banco.app\r\n--%s\r\nContent-Disposition: form-data; '
        'name="logcat"; filename="logcat.txt"\r\nContent-Type: text/plain\r\n\r\n%s\r\n--%s--\r\n') % (bnd, bnd, log, bnd)
idrec('POST', 'https://crash-reports.bugsnag-like.example.io/v1/minidump', {'Content-Type': 'multipart/form-data; boundary=' + bnd},
      body, 'crash report multipart with logcat (IMEI, CellIdentityLte)', ['imei', 'cell_id'])

# 10. NDJSON analytics batch, gzip
lines = '\n'.join(js(x) for x in [
    {'event': 'session_start', 'gaid': P['ad_id'], 'ts': 1768381200456},
    {'event': 'login', 'user': {'email': P['email']}, 'ts': 1768381201456},
    {'event': 'screen_view', 'screen': 'home', 'ts': 1768381202456}]) + '\n'
idrec('POST', 'https://collector.analytics-eu.example.com/batch', {'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip'},
      gz(lines), 'NDJSON analytics batch, gzip', ['ad_id', 'email'])

# 11. hand-encoded protobuf: IMEI string field, android id without key
pbm = pb_str(1, 'pt.meo.app') + pb_str(2, P['imei'][0]) + pb_str(3, P['android_id']) + pb_int(4, 34) + pb_str(7, 'pt_PT')
idrec('POST', 'https://android.clients.google.com/checkin', {'Content-Type': 'application/x-protobuffer', 'Content-Encoding': 'gzip'},
      gz(pbm), 'schema-less protobuf, gzip (IMEI string; Android ID without key)', ['imei'], ['android_id'])

# 12. XCAP with P-Access-Network-Info and intended identity
pani = '3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=26806%04X%07X' % (P['tac'], int(P['eci']))
idrec('GET', 'https://xcap.ims.mnc006.mcc268.pub.3gppnetwork.org/simservs.ngn.etsi.org/users/sip:%s@ims.mnc006.mcc268.3gppnetwork.org/simservs.xml'
      % P['phone'], {'X-3GPP-Intended-Identity': '"sip:%s@ims.mnc006.mcc268.3gppnetwork.org"' % P['phone'],
      'P-Access-Network-Info': pani, 'User-Agent': 'XCAP Client 1.0'}, '', 'XCAP supplementary services with PANI',
      ['phone', 'cell_id'])

# 13. JWT bearer with email + phone
idrec('GET', 'https://api.continente.example.pt/v2/cart', {'Authorization': 'Bearer ' + jwt({'sub': uuid4(), 'email': P['email'],
      'phone_number': P['phone'], 'iat': 1768381200, 'exp': 1768384800})}, '', 'JWT access token payload', ['email', 'phone'])

# 14. cookie with base64url JSON (advertisingId)
idrec('GET', 'https://sapo.pt/api/feed?section=desporto', {'Cookie': 'sid=%s; dctx=%s' % (hexs(32), b64url(js({'advertisingId': P['ad_id'], 'lmt': False})))},
      '', 'cookie carrying base64url JSON device context', ['ad_id'])

# 15. hashed MAC + split phone number
idrec('POST', 'https://api.cgd-app.example.pt/onboarding/step2', {'Content-Type': 'application/json'},
      js({'uid': gen.sha256(P['mac'].replace(':', '').upper()), 'contact': {'cc': '351', 'nsn': pt_national(P['phone'])}, 'step': 2}),
      'onboarding JSON; SHA-256(MAC) and split phone number', [], ['mac', 'phone'])

# 16. NMEA upload
la, ns, lo, ew = nmea_latlon(P['lat'], P['lon'])
gga = nmea_cs('GPGGA,091244.00,%s,%s,%s,%s,1,09,0.9,87.2,M,51.8,M,,' % (la, ns, lo, ew))
rmc = nmea_cs('GPRMC,091244.00,A,%s,%s,%s,%s,0.12,,140126,,,A' % (la, ns, lo, ew))
idrec('POST', 'https://gnss-logger.example.eu/upload', {'Content-Type': 'text/plain'}, gga + '\r\n' + rmc + '\r\n',
      'NMEA GGA/RMC sentences', ['location'])
