"""Held-out phone, other devices, record collection."""
import base64
from gen import *  # noqa
import gen

# ---------------- the held-out phone (Portugal, MEO 268-06, Porto) ----------------
PHONE = {}
PHONE['imei'] = [make_imei('35'), make_imei('35')]
PHONE['imsi'] = make_imsi('26806')
PHONE['iccid'] = make_iccid('351', '06', 19)
PHONE['mac'] = make_mac()
PHONE['serial'] = reg('R5CW' + ''.join(R.choice('ABCDEFGHJKLMNPQRSTVWXYZ0123456789') for _ in range(7)))
PHONE['android_id'] = reg(hexs(16))
PHONE['ad_id'] = reg(uuid4())
PHONE['phone'] = mobile('PT', '96')
PHONE['email'] = reg('joana.mendes.lab%s@gmail.com' % digits(2))
PHONE['lat'], PHONE['lon'] = round(41.1579 + R.uniform(-0.004, 0.004), 6), round(-8.6291 + R.uniform(-0.004, 0.004), 6)
PHONE['bt_mac'] = make_mac()
CLIENT = '10.46.0.3'
# serving cell of the phone (LTE, MEO Porto)
PHONE['tac'] = 0x2F1A
PHONE['enb'] = R.randrange(40000, 90000); PHONE['cell'] = R.randrange(1, 40)
PHONE['eci'] = reg(str(PHONE['enb'] * 256 + PHONE['cell']))

assert s_imsi.info(PHONE['imsi'])['cc'] == 'pt'
assert phonenumbers.is_valid_number(phonenumbers.parse(PHONE['phone']))
assert phonenumbers.number_type(phonenumbers.parse(PHONE['phone'])) == phonenumbers.PhoneNumberType.MOBILE
assert phonenumbers.region_code_for_number(phonenumbers.parse(PHONE['phone'])) == 'PT'

def pt_national(e164):
    return str(phonenumbers.parse(e164).national_number)

# ---------------- other devices ----------------
COUNTRY = {  # region: (mccmnc, iccid cc, issuer, lat, lon)
    'PT': ('26801', '351', '01', 38.7223, -9.1393),
    'ES': ('21401', '34', '01', 40.4168, -3.7038),
    'FR': ('20801', '33', '01', 48.8566, 2.3522),
    'DE': ('26201', '49', '22', 52.5200, 13.4050),
    'IT': ('22201', '39', '01', 45.4642, 9.1900),
    'PL': ('26001', '48', '01', 52.2297, 21.0122),
    'SE': ('24001', '46', '01', 59.3293, 18.0686),
    'CN': ('46000', '86', '00', 31.2304, 121.4737),
    'US': ('310260', '1', '260', 47.6062, -122.3321),
    'IN': ('40445', '91', '45', 12.9716, 77.5946),
}

_ip = [10]
def other_ip():
    _ip[0] += 1
    return '10.46.1.%d' % _ip[0]

def device(region, tac=None):
    mccmnc, cc, iss, lat, lon = COUNTRY[region]
    d = {'region': region, 'imei': make_imei(tac), 'imei2': make_imei(tac),
         'imsi': make_imsi(mccmnc), 'iccid': make_iccid(cc, iss, R.choice([19, 20])),
         'mac': make_mac(), 'serial': reg(''.join(R.choice('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789') for _ in range(R.choice([8, 10, 12])))),
         'android_id': reg(hexs(16)), 'ad_id': reg(uuid4()), 'phone': mobile(region),
         'lat': round(lat + R.uniform(-0.05, 0.05), 6), 'lon': round(lon + R.uniform(-0.05, 0.05), 6),
         'email': reg('%s.%s%s@%s' % (R.choice(['ana', 'li', 'marta', 'piotr', 'erik', 'luca', 'claire', 'raj', 'mike']),
                                      R.choice(['silva', 'wang', 'nowak', 'berg', 'rossi', 'martin', 'kumar', 'smith']),
                                      digits(2), R.choice(['gmail.com', 'outlook.com', 'yahoo.com', 'web.de', 'qq.com']))),
         'mcc': mccmnc[:3], 'mnc': mccmnc[3:], 'ip': other_ip()}
    d['eci'] = reg(str(R.randrange(10000, 900000) * 256 + R.randrange(1, 60)))
    return d

# ---------------- records ----------------
RECORDS = []

def add(label, method, url, headers, body, source, expect=(), profile=None, client=None, corpus_phone=False):
    if isinstance(body, bytes):
        try:
            if b'\x00' in body: raise UnicodeDecodeError('x', b'', 0, 1, 'nul')
            text = body.decode('utf-8')
            if any(ord(c) < 9 for c in text): raise UnicodeDecodeError('x', b'', 0, 1, 'ctl')
            raise UnicodeDecodeError('x', b'', 0, 1, 'force')  # bytes are always base64
        except UnicodeDecodeError:
            body_s, enc = base64.b64encode(body).decode(), 'base64'
    else:
        body_s, enc = body, 'utf8'
    expect = sorted(set(expect))
    prof = sorted(set(expect) | set(profile or ()))
    if not corpus_phone:
        assert not profile or set(profile) <= set(expect), (url, profile)
    RECORDS.append({'label': label, 'method': method, 'url': url, 'headers': dict(headers), 'body': body_s,
                    'body_encoding': enc, 'client_ip': client, 'corpus_phone': corpus_phone,
                    'expect': expect, 'expect_profile': prof, 'source': source})

def idrec(method, url, headers, body, source, expect, profile=None, dev=None):
    if dev is None:
        add('identifier', method, url, headers, body, source, expect, profile, CLIENT, True)
    else:
        add('identifier', method, url, headers, body, source, expect, None, dev['ip'], False)

_bip = [200]
def benign(method, url, headers, body, source, phone_client=False):
    if phone_client:
        ip = CLIENT
    else:
        _bip[0] += 1
        ip = '10.46.1.%d' % (_bip[0] % 250 + 2)
    add('benign', method, url, headers, body, source, (), None, ip, False)
