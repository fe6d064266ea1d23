#!/usr/bin/env python3
"""Build the heldout6 evaluation corpus: requests.jsonl + heldout6-phone.yaml (deterministic)."""
import base64, binascii, gzip, hashlib, json, os, re, sys, urllib.parse, zlib
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import core  # noqa: E402
from core import PHONE, RECORDS  # noqa: E402
import recs_id  # noqa: E402,F401
import recs_id2  # noqa: E402,F401
import recs_id3  # noqa: E402,F401
import recs_id4  # noqa: E402,F401
import recs_id5  # noqa: E402,F401
import recs_id6  # noqa: E402,F401
import recs_benign  # noqa: E402,F401
import recs_benign2  # noqa: E402,F401
import recs_benign3  # noqa: E402,F401
import recs_benign4  # noqa: E402,F401
import gen  # noqa: E402

TYPES = ['imei', 'meid', 'imsi', 'iccid', 'mac', 'wifi_bssid', 'serial', 'android_id', 'ad_id',
         'phone', 'email', 'location', 'cell_id']

def needles():
    out = []
    for v in gen.GENERATED:
        out.append(v)
        if re.fullmatch(r'([0-9a-f]{2}:){5}[0-9a-f]{2}', v):
            out += [v.replace(':', ''), v.upper(), v.replace(':', '').upper(), v.replace(':', '-')]
            out += [h(x) for x in (v, v.upper(), v.replace(':', ''), v.replace(':', '').upper())
                    for h in (gen.md5, gen.sha1, gen.sha256)]
        if v.startswith('+'):
            out.append(v[1:])
            import phonenumbers
            out.append(str(phonenumbers.parse(v).national_number))
        if re.fullmatch(r'\d{15}', v):
            out += [gen.md5(v), gen.sha1(v), gen.sha256(v)]
    for x in PHONE['imei']:
        out += [gen.md5(x), gen.sha1(x), gen.sha256(x)]
    out.append('%.3f' % PHONE['lat']); out.append('%.3f' % PHONE['lon'])
    return sorted(set(n.lower() for n in out if len(n) >= 6))

def decodings(s, depth=0):
    """Yield s and plausible decodings (url, base64, hex, gzip, zlib) recursively."""
    if isinstance(s, bytes):
        yield s.decode('latin-1')
        for f in (gzip.decompress, zlib.decompress):
            try:
                yield from decodings(f(s), depth + 1)
            except Exception:
                pass
        return
    yield s
    if depth > 3:
        return
    u = urllib.parse.unquote_plus(s)
    if u != s:
        yield from decodings(u, depth + 1)
    for tok in re.findall(r'[A-Za-z0-9+/_=-]{12,}', s):
        for dec in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                b = dec(tok + '=' * (-len(tok) % 4))
            except Exception:
                continue
            yield from decodings(b, depth + 1)
    for tok in re.findall(r'(?:[0-9a-fA-F]{2}){8,}', s):
        try:
            yield from decodings(binascii.unhexlify(tok), depth + 1)
        except Exception:
            pass

def check(records):
    nd = needles()
    for r in records:
        assert set(r['expect']) <= set(TYPES) and set(r['expect_profile']) <= set(TYPES), r['url']
        assert set(r['expect']) <= set(r['expect_profile'])
        if r['label'] == 'identifier':
            assert r['expect_profile'], r['url']
        else:
            assert not r['expect'] and not r['expect_profile']
            blob = [r['url'], json.dumps(r['headers'])] + list(r['headers'].values())
            raw = base64.b64decode(r['body']) if r['body_encoding'] == 'base64' else r['body']
            hay = []
            for part in blob + [raw]:
                hay.extend(decodings(part))
            hay = '\n'.join(hay).lower()
            for n in nd:
                assert n not in hay, ('benign record leaks', n, r['url'])

def main():
    check(RECORDS)
    ni = nb = 0
    lines = []
    for r in RECORDS:
        if r['label'] == 'identifier':
            ni += 1; rid = 'h6i-%04d' % ni
        else:
            nb += 1; rid = 'h6b-%04d' % nb
        o = {'id': rid}
        o.update(r)
        o = {k: o[k] for k in ['id', 'label', 'method', 'url', 'headers', 'body', 'body_encoding',
                               'client_ip', 'corpus_phone', 'expect', 'expect_profile', 'source']}
        lines.append(json.dumps(o, ensure_ascii=False, sort_keys=False))
    with open(os.path.join(HERE, 'requests.jsonl'), 'w', encoding='utf-8', newline='\n') as f:
        f.write('\n'.join(lines) + '\n')
    y = ('name: heldout6-phone\n'
         'imei: ["%s", "%s"]\n' % tuple(PHONE['imei']) +
         # lists, as the device-profile format has them (the author wrote scalars; same values)
         'imsi: ["%s"]\niccid: ["%s"]\nmac: ["%s"]\nserial: ["%s"]\nandroid_id: ["%s"]\nad_id: ["%s"]\n'
         'phone: ["%s"]\nemail: ["%s"]\n' % (PHONE['imsi'], PHONE['iccid'], PHONE['mac'], PHONE['serial'],
                                        PHONE['android_id'], PHONE['ad_id'], PHONE['phone'], PHONE['email']) +
         'location: {lat: %s, lon: %s, radius_m: 2000}\n' % (PHONE['lat'], PHONE['lon']) +
         'clients: ["%s"]\n' % core.CLIENT)
    with open(os.path.join(HERE, 'heldout6-phone.yaml'), 'w', encoding='utf-8', newline='\n') as f:
        f.write(y)
    cnt = {t: [0, 0] for t in TYPES}
    for r in RECORDS:
        for t in r['expect']: cnt[t][0] += 1
        for t in r['expect_profile']: cnt[t][1] += 1
    cp = sum(1 for r in RECORDS if r['corpus_phone'])
    bc = sum(1 for r in RECORDS if r['label'] == 'benign' and r['client_ip'] == core.CLIENT)
    print('identifier=%d benign=%d corpus_phone=%d benign_from_phone_ip=%d' % (ni, nb, cp, bc))
    print('| type | expect | expect_profile |')
    for t in TYPES:
        print('| %s | %d | %d |' % (t, cnt[t][0], cnt[t][1]))

if __name__ == '__main__':
    main()
