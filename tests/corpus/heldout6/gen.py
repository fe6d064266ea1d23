"""Value generators and encoders for the heldout6 corpus (stdlib + stdnum + phonenumbers only)."""
import base64, gzip, hashlib, io, json, random, struct, zlib, urllib.parse
from stdnum import imei as s_imei, imsi as s_imsi, meid as s_meid, luhn
import phonenumbers

R = random.Random(606_2026)
GENERATED = []  # every real identifier value produced (for leak checks)

def reg(v):
    GENERATED.append(v)
    return v

def digits(n):
    return ''.join(R.choice('0123456789') for _ in range(n))

def hexs(n):
    return ''.join(R.choice('0123456789abcdef') for _ in range(n))

TACS = ['35', '86', '01', '49', '99']

def make_imei(prefix=None):
    p = prefix or R.choice(TACS)
    body = p + digits(14 - len(p))
    v = body + luhn.calc_check_digit(body)
    assert s_imei.is_valid(v) and len(v) == 15
    return reg(v)

def make_imsi(mccmnc):
    v = mccmnc + digits(15 - len(mccmnc))
    info = s_imsi.info(v)
    assert s_imsi.is_valid(v) and info.get('operator'), v
    assert info['mcc'] + info['mnc'] == mccmnc
    return reg(v)

def make_iccid(cc, issuer, length=19):
    body = '89' + cc + issuer
    body += digits(length - 1 - len(body))
    v = body + luhn.calc_check_digit(body)
    assert len(v) == length and luhn.is_valid(v) and v.startswith('89')
    return reg(v)

def make_meid():
    # hex MEID: manufacturer code starts with A0..AF range per 3GPP2
    while True:
        h = ('A' + R.choice('0123456789ABCDEF') + ''.join(R.choice('0123456789ABCDEF') for _ in range(12)))
        if s_meid.is_valid(h):
            break
    dec = meid_to_dec(h)
    assert s_meid.is_valid(dec) and len(dec) == 18
    reg(h); reg(dec)
    return h, dec

def meid_to_dec(h):
    return '%010d%08d' % (int(h[:8], 16), int(h[8:], 16))

def make_mac(oui=None, sep=':', upper=False):
    if oui is None:
        first = R.randrange(0, 256) & 0xFC  # unicast, globally administered
        oui = [first, R.randrange(256), R.randrange(256)]
    b = list(oui) + [R.randrange(256) for _ in range(3)]
    assert b[0] & 1 == 0 and b[0] & 2 == 0
    s = sep.join('%02x' % x for x in b)
    reg(':'.join('%02x' % x for x in b))
    return s.upper() if upper else s

def mobile(region, prefix=None):
    """Random valid mobile number for region, E.164."""
    ex = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    nat = str(ex.national_number)
    pre = prefix or nat[:3]
    for _ in range(5000):
        cand = pre + digits(len(nat) - len(pre))
        pn = phonenumbers.parse('+%d%s' % (ex.country_code, cand))
        if phonenumbers.is_valid_number(pn) and phonenumbers.number_type(pn) in (
                phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
            return reg(phonenumbers.format_number(pn, phonenumbers.PhoneNumberFormat.E164))
    raise RuntimeError(region)

def uuid4():
    h = list(hexs(32))
    h[12] = '4'
    h[16] = R.choice('89ab')
    h = ''.join(h)
    return '%s-%s-%s-%s-%s' % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])

# ---------- encoders ----------
def b64(b):
    if isinstance(b, str): b = b.encode()
    return base64.b64encode(b).decode()

def b64url(b):
    if isinstance(b, str): b = b.encode()
    return base64.urlsafe_b64encode(b).decode().rstrip('=')

def b64wrap(b):
    s = b64(b)
    return '\n'.join(s[i:i + 76] for i in range(0, len(s), 76)) + '\n'

def gz(b):
    if isinstance(b, str): b = b.encode()
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode='wb', mtime=0, compresslevel=6) as f:
        f.write(b)
    return buf.getvalue()

def zl(b):
    if isinstance(b, str): b = b.encode()
    return zlib.compress(b, 6)

def md5(s): return hashlib.md5(s.encode()).hexdigest()
def sha1(s): return hashlib.sha1(s.encode()).hexdigest()
def sha256(s): return hashlib.sha256(s.encode()).hexdigest()

def js(o):
    return json.dumps(o, separators=(',', ':'), ensure_ascii=False)

def form(pairs):
    return urllib.parse.urlencode(pairs)

def jwt(payload):
    h = b64url(js({'alg': 'HS256', 'typ': 'JWT'}))
    p = b64url(js(payload))
    return h + '.' + p + '.' + b64url(hashlib.sha256((h + p).encode()).digest())

# ---------- protobuf (hand-encoded) ----------
def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F; n >>= 7
        if n: out.append(b | 0x80)
        else:
            out.append(b); return bytes(out)

def pb_str(field, s):
    if isinstance(s, str): s = s.encode()
    return varint(field << 3 | 2) + varint(len(s)) + s

def pb_int(field, n):
    return varint(field << 3 | 0) + varint(n)

def pb_double(field, x):
    return varint(field << 3 | 1) + struct.pack('<d', x)

def nmea_cs(s):
    c = 0
    for ch in s: c ^= ord(ch)
    return '$%s*%02X' % (s, c)

def nmea_latlon(lat, lon):
    def conv(v, w):
        d = int(abs(v)); m = (abs(v) - d) * 60
        return ('%0*d%07.4f' % (w, d, m))
    return conv(lat, 2), 'N' if lat >= 0 else 'S', conv(lon, 3), 'E' if lon >= 0 else 'W'
