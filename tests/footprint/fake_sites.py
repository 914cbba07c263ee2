"""Fake sites and site lists shared by the footprint tests and the app's: a loopback 'internet'
whose /KIND/NAME pages answer as each kind of site would, the kit's own site-list format, and
Sherlock and WhatsMyName imports."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from kit.footprint.sites import SiteList, parse

# Four entries in Sherlock's data.json format, adapted from sherlock-project/sherlock
# (sherlock_project/resources/data.json, MIT licence, copyright the Sherlock Project
# contributors), with two made-up broken ones added to test the checks. Sherlock's Discord entry
# has no username in its profile address: the name goes only in the body sent to its API.
SHERLOCK = {
    "$schema": "data.schema.json",
    "GitHub": {"errorType": "status_code",
               "regexCheck": "^[a-zA-Z0-9](?:[a-zA-Z0-9]|-(?=[a-zA-Z0-9])){0,38}$",
               "url": "https://www.github.com/{}", "urlMain": "https://www.github.com/",
               "username_claimed": "blue"},
    "Reddit": {"errorMsg": "Sorry, nobody on Reddit goes by that name.",
               "errorType": "message", "headers": {"accept-language": "en-US,en;q=0.9"},
               "url": "https://www.reddit.com/user/{}", "urlMain": "https://www.reddit.com/",
               "username_claimed": "blue"},
    "Discord": {"errorType": "message", "url": "https://discord.com",
                "urlProbe": "https://discord.com/api/v9/unique-username/"
                            "username-attempt-unauthed",
                "errorMsg": ["{\"taken\":false}"], "request_method": "POST",
                "request_payload": {"username": "{}"},
                "headers": {"Content-Type": "application/json"}, "urlMain": "https://discord.com/",
                "username_claimed": "blue"},
    "Holopin": {"errorMsg": "true", "errorType": "message", "request_method": "POST",
                "request_payload": {"username": "{}"}, "url": "https://holopin.io/@{}",
                "urlMain": "https://holopin.io",
                "urlProbe": "https://www.holopin.io/api/auth/username",
                "username_claimed": "red"},
    "CookieSite": {"errorType": "status_code", "url": "https://cookie.example/{}",
                   "urlMain": "https://cookie.example/", "username_claimed": "x",
                   "headers": {"Cookie": "session=abc"}},
    "PlainHttp": {"errorType": "status_code", "url": "http://plain.example/{}",
                  "urlMain": "http://plain.example/", "username_claimed": "x"},
}

# Two entries in WhatsMyName's wmn-data.json format, adapted from WebBreacher/WhatsMyName
# (CC BY-SA 4.0, Micah Hoffman and contributors), with the file's own licence and authors
# block, and one made-up entry marked not working.
WMN = {
    "license": ["Copyright (C) 2022 Micah Hoffman",
                "This work is licensed under the Creative Commons Attribution-ShareAlike",
                "4.0 International License."],
    "authors": ["WebBreacher", "Munchko"],
    "categories": ["social", "gaming"],
    "sites": [
        {"name": "7cup", "uri_check": "https://www.7cups.com/@{account}", "post_body": "",
         "e_code": 200, "e_string": "Profile - 7 Cups", "m_code": 404,
         "m_string": "Oops! The content you're attempting to access could not be found.",
         "known": ["john", "jbob"], "cat": "social", "valid": True},
        {"name": "Bandlab", "uri_check": "https://www.bandlab.com/api/v1.3/users/{account}",
         "uri_pretty": "https://www.bandlab.com/{account}", "e_code": 200,
         "e_string": "about", "m_code": 404, "m_string": "Couldn't find any matching element",
         "known": ["rave_flawless"], "cat": "music", "strip_bad_char": "."},
        {"name": "Broken", "uri_check": "https://broken.example/{account}", "e_code": 200,
         "e_string": "x", "m_code": 404, "m_string": "y", "known": ["a"], "cat": "misc",
         "valid": False},
    ],
}


EXISTING = {"alice", "alice-2"}  # the accounts every fake site has
NOT_FOUND_PAGE = b"<html><h1>Sorry, nobody here goes by that name.</h1></html>"


def farm(method: str, path: str, headers: Mapping[str, str], body: bytes
         ) -> tuple[int, dict[str, str], bytes]:
    """One fake 'internet': /KIND/NAME answers as a site of that kind would."""
    parts = path.split("?")[0].strip("/").split("/")
    kind, name = parts[0], parts[-1]
    exists = name in EXISTING
    html = {"Content-Type": "text/html; charset=utf-8"}
    profile = f"<html><div id='profile'>{name}</div></html>".encode()
    if kind == "status":
        return (200, html, profile) if exists else (404, html, b"not here")
    if kind == "message":  # a soft 404: status 200 either way
        return 200, html, profile if exists else NOT_FOUND_PAGE
    if kind == "redirect":
        return (200, html, profile) if exists else (302, {"Location": "/"}, b"")
    if kind == "markers":
        return (200, html, b"<div id='profile-header'>") if exists else \
            (404, html, b"<p>user not found</p>")
    if kind == "both":
        return 200, html, b"<div id='profile-header'><p>user not found</p>"
    if kind == "api":  # a POST API that says whether a name is taken
        wanted = json.loads(body or b"{}").get("username")
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"taken": wanted in EXISTING}).encode()
    if kind == "cloudflare":
        return 403, html, b"<html><title>Just a moment...</title>cf_chl_opt</html>"
    if kind == "cf-header":
        return 200, {**html, "cf-mitigated": "challenge"}, profile
    if kind == "aws":
        return 202, html, b"<script>AwsWafIntegration.forceRefreshToken()</script>"
    if kind == "perimeterx":
        return 200, html, b"<div id='px-captcha'></div>"
    if kind == "hcaptcha":
        return 200, html, b"<div class='h-captcha' data-sitekey='x'></div>"
    if kind == "recaptcha":
        return 200, html, b"<div class='g-recaptcha'></div>"
    if kind == "error":
        return 503, html, b"busy"
    if kind == "forbidden":
        return 403, html, b"no"
    if kind == "slow":  # longer than any timeout the tests give
        time.sleep(3)
        return 200, html, profile
    if kind == "lag":
        time.sleep(0.8)
        return 200, html, profile
    return 404, html, b"unknown kind"


def site(base: str, kind: str, detect: str | list[str], **extra: Any) -> dict[str, Any]:
    return {"name": extra.pop("name", kind), "profile": f"{base}/{kind}/{{username}}",
            "detect": detect, **extra}


def site_list(sites: list[dict[str, Any]], **meta: Any) -> SiteList:
    doc = {"format": 1, "name": "test sites", "version": "1", "date": "2026-11-23",
           "attribution": "test data", **meta, "sites": sites}
    return parse(json.dumps(doc).encode(), origin="test")


def kinds_list(base: str) -> SiteList:
    return site_list([
        site(base, "status", "status_code"),
        site(base, "message", "message", missing_text=["nobody here goes by that name"]),
        site(base, "redirect", "response_url"),
        site(base, "markers", "markers", found_status=200, found_text="profile-header",
             missing_status=404, missing_text="user not found"),
    ])
