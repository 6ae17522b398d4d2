"""Hostile requests and the answer each must get: a 4xx that says why, never a 500, a hang or memory
growing with what was sent.

The same list runs in the suite (tests/test_hostile.py, with Flask's test client on both databases)
and against a live gunicorn (bench/hostile.py, which also measures time and memory per request).
Each case says who sends it: anyone, a logged-in administrator (`admin`, with a CSRF token in
its form) or a partner with an `import` key or a `ledger` key.
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass, field

BIG_ID = "9" * 30  # beyond any integer column
HUGE_ID = "9" * 5000  # beyond what Python turns into an int without being told to
CSRF = "<csrf>"  # replaced by a valid token for the session sending the form


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    status: int
    says: str = ""  # text the answer must contain
    who: str = "anyone"  # anyone, admin, import_key, ledger_key
    json: object = None
    data: bytes | None = None
    content_type: str | None = None
    form: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    allow: str | None = None  # the Allow header a 405 must carry
    # What `make run`'s server answers before remit sees the request, where that differs (a request
    # line and headers over 16 KB: 431, remit/server.py); bench/hostile.py reads it.
    live_status: int | None = None


def _bundle(**changes) -> dict:
    return {"send": "CA", "receive": "GT", "currency": "CAD", "members": [{"ref": "w1", "amount": "350.00"}]} | changes


_WIRE = {"debited": "1030.00", "fee": "30.00", "currency_sent": "USD", "applied_rate": "0.74", "credited": "5400.00"}


def _ledger(**changes) -> dict:
    """A cycle recorded through the API: the group's plan and what happened."""
    return {"plan": _bundle(), "contributions": [], "wires": [], "payouts": []} | changes


def _json_with(value: str) -> bytes:
    return ('{"send": "CA", "receive": "GT", "currency": "CAD", "members": [{"ref": "w1", "amount": "350"}], '
            '"transfers_per_year": ' + value + "}").encode()


CASES = [
    # --- the API ----------------------------------------------------------------------------------
    Case("a cap per transfer of 0.01 for a member of 1,000,000 (100 million transfers)", "POST", "/api/v1/bundles",
         422, "the cap must be at least 1000.00",
         json=_bundle(members=[{"ref": "a", "amount": "1000000"}], max_transfer="0.01")),
    Case("a cap per transfer of 0.00001 (smaller than a cent)", "POST", "/api/v1/bundles", 422,
         "has more decimals than CAD allows (2)",
         json=_bundle(members=[{"ref": "a", "amount": "1000000"}], max_transfer="0.00001")),
    Case("1,000 members of 1,000,000 under the default cap (100,000 transfers)", "POST", "/api/v1/bundles", 422,
         "a plan holds at most 1000 transfers",
         json=_bundle(members=[{"ref": f"m{i}", "amount": "1000000"} for i in range(1000)])),
    Case("a JSON integer of 5,000 digits", "POST", "/api/v1/bundles", 400,
         "A number in the JSON body has 5000 characters", data=_json_with("1" * 5000),
         content_type="application/json"),
    Case("a JSON integer of 4,200 digits (under Python's own limit)", "POST", "/api/v1/bundles", 400,
         "at most 40 are read", data=_json_with("1" * 4200), content_type="application/json"),
    Case("a JSON number of 100,000 characters", "POST", "/api/v1/bundles", 400, "at most 40 are read",
         data=_json_with("1." + "0" * 99998), content_type="application/json"),
    Case("JSON nested 100,000 deep", "POST", "/api/v1/bundles", 400, "deeper than 32 levels",
         data=b"[" * 100_000 + b"]" * 100_000, content_type="application/json"),
    Case("JSON nested 33 deep inside a string-free object", "POST", "/api/v1/bundles", 400, "deeper than 32 levels",
         data=b'{"a":' * 33 + b"1" + b"}" * 33, content_type="application/json"),
    Case("a JSON string never closed, full of escaped quotes (each one a place to start a string)", "POST",
         "/api/v1/bundles", 400, "Unterminated string starting at",
         data=b'{"send": "' + b'\\"' * 500_000, content_type="application/json"),
    Case("NaN in JSON", "POST", "/api/v1/bundles", 400, "'NaN' is not a JSON number", data=_json_with("NaN"),
         content_type="application/json"),
    Case("a NUL character in a JSON string", "POST", "/api/v1/bundles", 400, "NUL character",
         json=_bundle(members=[{"ref": "w\u0000", "amount": "350"}])),
    Case("a JSON body that is not UTF-8", "POST", "/api/v1/bundles", 400, "not UTF-8",
         data=b'{"send": "\xff"}', content_type="application/json"),
    Case("a JSON body of 2 MB", "POST", "/api/v1/bundles", 413, "The JSON body is too large: at most 1 MB",
         data=b'{"send": "' + b"x" * 2_000_000 + b'"}', content_type="application/json"),
    Case("7,000 members in a body under 1 MB", "POST", "/api/v1/bundles", 422, "at most 1000 members, not 7000",
         json=_bundle(members=[{"ref": f"m{i}", "amount": "1"} for i in range(7000)])),
    Case("1,000 members each naming a product that does not exist", "POST", "/api/v1/bundles", 422,
         "member 'm999': no product ft-1000999",
         json=_bundle(members=[{"ref": f"m{i}", "amount": "1", "product": f"ft-{1_000_000 + i}"} for i in range(1000)])),
    Case("a JSON array where an object is expected", "POST", "/api/v1/bundles", 422, "Invalid input type",
         json=[1, 2]),
    Case("bulk product ft- and 30 digits", "POST", "/api/v1/bundles", 422, "no product ft-" + BIG_ID,
         json=_bundle(bulk_product="ft-" + BIG_ID)),
    Case("a member's product ft- and 30 digits", "POST", "/api/v1/bundles", 422, "no product ft-" + BIG_ID,
         json=_bundle(members=[{"ref": "a", "amount": "5", "product": "ft-" + BIG_ID}])),
    Case("bulk product ft- and 5,000 digits", "POST", "/api/v1/bundles", 422, "Longer than maximum length 40",
         json=_bundle(bulk_product="ft-" + HUGE_ID)),
    Case("an amount of 1e-999999999", "GET", "/api/v1/quotes?send=CA&receive=GT&currency=CAD&amount=1e-999999999",
         422, "without an exponent"),
    Case("a cap per transfer of 1e-999999999", "POST", "/api/v1/bundles", 422, "without an exponent",
         json=_bundle(max_transfer="1e-999999999")),
    Case("a fee of 0e-999999999", "POST", "/api/v1/bundles", 422, "without an exponent",
         json=_bundle(distribution_fee="0e-999999999")),
    Case("an amount in Arabic-Indic digits", "POST", "/api/v1/bundles", 422, "with the digits 0 to 9",
         json=_bundle(members=[{"ref": "a", "amount": "٣٠٠"}])),
    Case("quotes, page 0", "GET", "/api/v1/quotes?send=CA&receive=GT&currency=CAD&amount=300&page=0", 422,
         "Must be greater than or equal to 1"),
    Case("quotes, 1,000 a page", "GET", "/api/v1/quotes?send=CA&receive=GT&currency=CAD&amount=300&page_size=1000",
         422, "less than or equal to 100"),
    Case("quotes, page beyond any integer column", "GET",
         f"/api/v1/quotes?send=CA&receive=GT&currency=CAD&amount=300&page={BIG_ID}", 422, "must be at most 2147483647"),
    Case("corridors, page beyond any integer column", "GET", f"/api/v1/corridors?page={BIG_ID}", 422,
         "must be at most 2147483647"),
    Case("an import id beyond any integer column", "GET", f"/api/v1/imports/{BIG_ID}", 404, who="import_key"),
    Case("an import id of 5,000 digits", "GET", f"/api/v1/imports/{HUGE_ID}", 404, who="import_key"),
    Case("a provider slug with a NUL character", "GET", "/api/v1/providers/a%00b", 404),
    Case("corridor statistics with a NUL character", "GET", "/api/v1/corridors/C%00-GT/stats", 404),
    Case("a NUL character in the query string", "GET", "/api/v1/corridors?send=C%00A", 400, "NUL character"),
    Case("DELETE on quotes", "DELETE", "/api/v1/quotes", 405, allow="GET, HEAD, OPTIONS"),
    Case("PUT on bundles", "PUT", "/api/v1/bundles", 405, allow="OPTIONS, POST"),
    Case("an upload of 17 MB without a key", "POST", "/api/v1/imports", 401,
         data=b"x" * (17 * 1024 * 1024), content_type="multipart/form-data; boundary=x",
         live_status=413),  # larger than any upload: the server refuses it before reading it
    Case("an upload of 17 MB with an import key", "POST", "/api/v1/imports", 413, "at most 16 MB",
         who="import_key", data=b"x" * (17 * 1024 * 1024), content_type="multipart/form-data; boundary=x"),
    Case("an import whose file is a plain text field, not a file part", "POST", "/api/v1/imports", 422,
         "Send the file as a file part of the multipart form", who="import_key",
         data=b'--x\r\nContent-Disposition: form-data; name="kind"\r\n\r\nfees\r\n'
              b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc\r\n--x--\r\n',
         content_type="multipart/form-data; boundary=x"),
    Case("an import sent form-encoded", "POST", "/api/v1/imports", 415,
         "The body is sent as application/x-www-form-urlencoded; this operation reads multipart/form-data",
         who="import_key", data=b"kind=fees&file=abc", content_type="application/x-www-form-urlencoded"),
    Case("a JSON object giving a key twice (the last would win)", "POST", "/api/v1/bundles", 400,
         "The JSON body gives the key 'amount' twice in one object",
         data=b'{"send": "CA", "receive": "GT", "currency": "CAD", "members": [{"ref": "w1", "amount": "300", '
              b'"amount": "-1"}]}', content_type="application/json"),
    Case("a query parameter given three times (the first would win)", "GET",
         "/api/v1/quotes?send=CA&receive=GT&currency=CAD&amount=300&amount=-1&amount=abc", 400,
         "The address gives 'amount' 3 times; give it once."),
    Case("page_size given twice, the copies not numbers", "GET", "/api/v1/providers?page_size=%5B%5D&page_size=218",
         400, "The address gives 'page_size' 2 times"),
    Case("a page's parameter given twice", "GET", "/compare?send=CA&receive=GT&mode=send&amount=300&amount=-1"
         "&currency=CAD", 400, "2 times; give it once."),
    Case("the guide's amount given four times (it takes three at most)", "GET",
         "/corridors/CA-GT/guide?amount=1&amount=2&amount=3&amount=4", 422, "A guide shows at most 3 amounts."),
    Case("the guide's amounts, one of them below zero", "GET", "/api/v1/corridors/CA-GT/guide?amount=300&amount=-1",
         422, "must be greater than 0"),
    Case("a misspelt query parameter (receive_amount)", "GET",
         "/api/v1/quotes?send=CA&receive=GT&currency=CAD&amount=300&recieve_amount=2000", 422,
         "Unknown parameter: this operation takes amount, currency"),
    Case("a query parameter without a name", "GET", "/api/v1/corridors?=null", 422,
         '"(no name)":["Unknown parameter: this operation takes page, page_size, receive, send."]'),
    Case("a JSON body sent as text/plain", "POST", "/api/v1/bundles", 415,
         "The body is sent as text/plain; this operation reads application/json",
         data=b'{"send": "CA", "receive": "GT", "currency": "CAD", "members": [{"ref": "w1", "amount": "300"}]}',
         content_type="text/plain"),
    Case("a bundle sent form-encoded", "POST", "/api/v1/bundles", 415,
         "The body is sent as application/x-www-form-urlencoded; this operation reads application/json",
         data=b"send=CA&receive=GT&currency=CAD", content_type="application/x-www-form-urlencoded"),
    Case("a JSON body sent gzip-compressed", "POST", "/api/v1/bundles", 415,
         "sent with Content-Encoding gzip; remit reads request bodies uncompressed",
         data=gzip.compress(b'{"send": "CA"}', mtime=0), content_type="application/json",
         headers={"Content-Encoding": "gzip"}),
    Case("an unknown corridor asked with a forged Host (the link must not name it)", "GET",
         "/api/v1/quotes?send=CA&receive=FR&currency=CAD&amount=300", 404, '"corridors":"/api/v1/corridors"',
         headers={"Host": "evil.example"}),
    # --- the season ledger's API (a `ledger` key) ----------------------------------------------------
    Case("a ledger cycle id beyond any integer column", "GET", f"/api/v1/ledger/cycles/{BIG_ID}", 404,
         who="ledger_key"),
    Case("a ledger cycle id of 5,000 digits", "GET", f"/api/v1/ledger/cycles/{HUGE_ID}", 404, who="ledger_key"),
    Case("a season of year 0", "GET", "/api/v1/ledger/groups/1/seasons/0", 404, who="ledger_key"),
    Case("a ledger read with an import key", "GET", "/api/v1/ledger/groups", 403, "needs 'ledger'",
         who="import_key"),
    Case("a cycle recorded without a key", "POST", "/api/v1/ledger/groups/1/cycles", 401, json=_ledger()),
    Case("a cycle of a group beyond any integer column", "POST", f"/api/v1/ledger/groups/{BIG_ID}/cycles", 404,
         who="ledger_key", json=_ledger()),
    Case("a cycle with 1,001 wires", "POST", "/api/v1/ledger/groups/1/cycles", 422, "at most 1000 entries",
         who="ledger_key", json=_ledger(wires=[_WIRE] * 1001)),
    Case("a cycle with 7,000 contributions under 1 MB", "POST", "/api/v1/ledger/groups/1/cycles", 422,
         "at most 1000 entries", who="ledger_key",
         json=_ledger(contributions=[{"ref": f"m{i}", "amount": "1"} for i in range(7000)])),
    Case("a wire's rate of 1e-999999999", "POST", "/api/v1/ledger/groups/1/cycles", 422, "without an exponent",
         who="ledger_key", json=_ledger(wires=[_WIRE | {"applied_rate": "1e-999999999"}])),
    Case("a wire's rate of 0", "POST", "/api/v1/ledger/groups/1/cycles", 422, "must be greater than 0",
         who="ledger_key", json=_ledger(wires=[_WIRE | {"applied_rate": "0"}])),
    Case("an amount credited of 10^13", "POST", "/api/v1/ledger/groups/1/cycles", 422,
         "must be at most 1000000000000", who="ledger_key",
         json=_ledger(wires=[_WIRE | {"credited": "10000000000000"}])),
    Case("a cycle's day in the year 99999", "POST", "/api/v1/ledger/groups/1/cycles", 422, "Not a valid date",
         who="ledger_key", json=_ledger(date="99999-01-01")),
    Case("complete as 1, not true", "POST", "/api/v1/ledger/groups/1/cycles", 422, "Not a valid boolean",
         who="ledger_key", json=_ledger(complete=1)),
    Case("a NUL character in a receipt", "POST", "/api/v1/ledger/groups/1/cycles", 400, "NUL character",
         who="ledger_key", json=_ledger(contributions=[{"ref": "w1", "amount": "1", "receipt": "a\u0000b"}])),
    # --- web pages --------------------------------------------------------------------------------
    Case("a saved group id beyond any integer column", "GET", f"/bundle?group={BIG_ID}", 404),
    Case("a superscript two as transfers per year", "POST", "/bundle", 422, "Write a whole number from 1 to 366.",
         form={"csrf_token": CSRF, "send": "CA", "receive": "GT", "currency": "CAD", "rows-0-ref": "a",
               "rows-0-amount": "300", "transfers_per_year": "²"}),
    Case("5,000 digits as transfers per year", "POST", "/bundle", 422, "Write a whole number from 1 to 366.",
         form={"csrf_token": CSRF, "send": "CA", "receive": "GT", "currency": "CAD", "rows-0-ref": "a",
               "rows-0-amount": "300", "transfers_per_year": "9" * 5000}),
    Case("a form of 5,000 fields (the page reads its first 200 rows)", "POST", "/bundle", 422,
         "Row 200: Give both a reference and an amount.",
         form={"csrf_token": CSRF, "send": "CA", "receive": "GT", "currency": "CAD",
               **{f"rows-{i}-ref": "a" for i in range(5000)}}),
    Case("a multipart form of 2,000 parts", "POST", "/bundle", 413, "at most 1000 fields",
         data=b"".join(b'--x\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % i for i in range(2000))
         + b"--x--\r\n", content_type="multipart/form-data; boundary=x"),
    Case("an amount of 1e-999999999 in the compare form", "GET",
         "/compare?send=CA&receive=GT&mode=send&amount=1e-999999999&currency=CAD", 422, "without an exponent"),
    Case("a member's amount of 1e-999999999 in the group form", "POST", "/bundle", 422, "without an exponent",
         form={"csrf_token": CSRF, "send": "CA", "receive": "GT", "currency": "CAD", "rows-0-ref": "a",
               "rows-0-amount": "1e-999999999"}),
    Case("a corridor page with a NUL character", "GET", "/corridors/C%00-GT", 404),
    Case("a provider page with a NUL character", "GET", "/providers/a%00b", 404),
    Case("a NUL character in the compare form", "GET",
         "/compare?send=C%00A&receive=GT&mode=send&amount=3&currency=CAD", 400, "NUL character"),
    Case("POST on the providers page", "POST", "/providers", 405, allow="GET, HEAD, OPTIONS"),
    Case("an Accept-Language of 4,000 characters", "GET", "/", 200,
         headers={"Accept-Language": ",".join(f"x{i};q=0.{i % 10}" for i in range(500))[:4000]}),
    Case("an e-mail of 10,000 characters at login", "POST", "/login", 422, "Field cannot be longer than 254",
         form={"csrf_token": CSRF, "email": "a" * 10_000 + "@example.org", "password": "x"}),
    Case("a password of 1 MB at login", "POST", "/login", 422, "Field cannot be longer than 200",
         form={"csrf_token": CSRF, "email": "a@example.org", "password": "x" * 1_000_000}),
    Case("a language of 10,000 characters", "GET", "/?lang=" + "x" * 10_000, 200),
    Case("a season ledger cycle id beyond any integer column", "GET", f"/ledger/cycles/{BIG_ID}", 404, who="admin"),
    Case("a season ledger cycle id of 5,000 digits", "GET", f"/ledger/cycles/{HUGE_ID}", 404, who="admin"),
    Case("a season ledger group that does not exist", "GET", "/ledger/groups/999999", 404, who="admin"),
    Case("a season of year 0", "GET", "/ledger/groups/1/seasons/0", 404, who="admin"),
    Case("a season's download in another format", "GET", "/ledger/groups/1/seasons/2026.exe", 404, who="admin"),
    Case("statement 0 of a season", "GET", "/ledger/groups/1/seasons/2026/statements/0", 404, who="admin"),
    Case("a ledger form of 5,000 rows for a cycle that does not exist", "POST", f"/ledger/cycles/{BIG_ID}/contributions",
         404, who="admin", form={"csrf_token": CSRF, **{f"rows-{i}-amount": "1" for i in range(5000)}}),
    Case("a ledger form without its CSRF token", "POST", "/ledger/cycles/1/complete", 400, who="admin"),
    Case("the ledger without a login", "GET", "/ledger", 302),
    Case("the auditor's export by GET", "GET", "/ledger/export.zip", 405, who="admin", allow="OPTIONS, POST"),
    # --- administration (logged in) --------------------------------------------------------------
    Case("an import id beyond any integer column", "GET", f"/admin/imports/{BIG_ID}", 404, who="admin"),
    Case("an import id of 5,000 digits", "GET", f"/admin/imports/{HUGE_ID}", 404, who="admin"),
    Case("a pending upload id beyond any integer column", "GET", f"/admin/imports/pending/{BIG_ID}", 404, who="admin"),
    Case("imports, page beyond any integer column", "GET", f"/admin/imports?page={BIG_ID}", 404, who="admin"),
    Case("imports, page 0", "GET", "/admin/imports?page=0", 404, who="admin"),
    Case("audit log, page beyond any integer column", "GET", f"/admin/audit?page={BIG_ID}", 404, who="admin"),
    Case("revert of an import id beyond any integer column", "POST", f"/admin/imports/{BIG_ID}/revert", 404,
         who="admin", form={"csrf_token": CSRF}),
    Case("revoke of a key id beyond any integer column", "POST", f"/admin/api-keys/{BIG_ID}/revoke", 404,
         who="admin", form={"csrf_token": CSRF}),
    Case("(de)activation of a user id beyond any integer column", "POST", f"/admin/users/{BIG_ID}/active", 404,
         who="admin", form={"csrf_token": CSRF}),
    Case("an admin provider page with a NUL character", "GET", "/admin/providers/a%00b", 404, who="admin"),
    Case("a NUL character in a new user's e-mail", "POST", "/admin/users", 400, "NUL character", who="admin",
         form={"csrf_token": CSRF, "email": "a\u0000@example.org", "role": "staff", "password": "x" * 12}),
]
