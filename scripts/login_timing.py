#!/usr/bin/env python3
# Login timing (issue 11 #10): a wrong code for a number with an account vs one without,
# interleaved, 5 tries per number (under the per-number throttle and the lockout), a different
# X-Forwarded-For per try (the server runs with --trust-forwarded-for). Usage: start a release
# server on the demo organisation (see docs/RELIABILITY.md), then
#   scripts/login_timing.py PORT DATABASE_FILE
import sys
PORT, DB = int(sys.argv[1]), sys.argv[2]
# Login with a wrong code: a number with an account vs one without, interleaved, 5 tries per
# number (under the per-number throttle and the lockout), a different X-Forwarded-For per try.
import http.client, json, statistics, time, sqlite3
db = sqlite3.connect(DB)
known = [r[0] for r in db.execute("SELECT phone FROM accounts WHERE status <> 'deleted' ORDER BY phone LIMIT 48")]
unknown = ['+1202555%04d' % (1000 + i) for i in range(len(known))]
conn = http.client.HTTPConnection('127.0.0.1', PORT)
times = {'known': [], 'unknown': []}
statuses = {'known': set(), 'unknown': set()}
n = 0
for attempt in range(5):
    for k, u in zip(known, unknown):
        for label, phone in (('known', k), ('unknown', u)):
            n += 1
            body = json.dumps({'phone': phone, 'code': '%06d' % (123000 + attempt)})
            t = time.perf_counter()
            conn.request('POST', '/api/v1/auth/login', body, {'content-type': 'application/json', 'x-forwarded-for': '10.0.%d.%d' % (n // 250, n % 250)})
            r = conn.getresponse(); r.read()
            times[label].append((time.perf_counter() - t) * 1000)
            statuses[label].add(r.status)
for label in times:
    v = sorted(times[label])
    print(label, 'n=%d median %.2f ms p90 %.2f ms statuses %s' % (len(v), statistics.median(v), v[int(len(v) * 0.9)], sorted(statuses[label])))
