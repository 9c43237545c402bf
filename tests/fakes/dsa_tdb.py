"""A local DSA Transparency Database: a real HTTP server that applies the API's own rules.

The rules below are transcribed by hand from digital-services-act/transparency-database at commit
69e80a0bc8eb3cbfbe8246e898194c3bdf490a4b, not imported from exports/ (a table must never be its own oracle):
- app/Services/GroupedSubmissionsService.php:252-388 (multi_rules and multi_messages, the batch endpoint's rules;
  the value lists they name are app/Models/Statement.php and app/Services/EuropeanCountriesService.php:9-40);
- app/Http/Controllers/Api/v1/StatementMultipleAPIController.php:38-101 (1-100 statements, every statement
  validated before anything is stored, 422 {"errors": {"statement_<i>": {field: [message]}}}, then the puid check,
  then one insert, 201 {"statements": [...]});
- app/Services/PlatformUniqueIdService.php:67-89 and app/Exceptions/PuidNotUniqueMultipleException.php (a puid
  repeated in the request or already stored: 422 with errors.puid and errors.existing_puids, nothing stored);
- app/Http/Controllers/Api/v1/StatementAPIController.php:43-58 (GET existing-puid: 302 found, 404 not found);
- routes/api_v1.php:21-26 (auth:sanctum: a bearer token, else 401) and app/Http/Kernel.php:16-25 (TrimStrings
  and ConvertEmptyStringsToNull run first). Messages are Laravel's defaults where the repository sets none.
- decision_ground_reference_url: 'url', 'nullable', 'max:500' (GroupedSubmissionsService.php:252-362). Laravel's
  url rule is Str::isUrl (Illuminate/Support/Str.php), transcribed for what we send: http and https addresses of a
  named host, with its path, query and fragment characters (ASCII standing for its Unicode letters and numbers).
Not transcribed: content_language (its list) and content_id; we send none.

Faults can be queued: a status code (503, or 429 with Retry-After) answered before anything is looked at, or
"drop-after-store": the batch is stored, then the connection is closed with no answer (the unknown outcome).
"""

from __future__ import annotations

import json
import re
import socket
import string
import threading
import uuid
from collections import Counter
from datetime import date

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

VISIBILITY = [
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
]
MONETARY = ["DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"]
PROVISION = [
    "DECISION_PROVISION_PARTIAL_SUSPENSION",
    "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION",
    "DECISION_PROVISION_TOTAL_TERMINATION",
]
ACCOUNT = ["DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"]
ACCOUNT_TYPES = ["ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"]
GROUNDS = ["DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"]
CONTENT_TYPES = [
    "CONTENT_TYPE_APP",
    "CONTENT_TYPE_AUDIO",
    "CONTENT_TYPE_IMAGE",
    "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA",
    "CONTENT_TYPE_TEXT",
    "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER",
]
CATEGORIES = [
    "STATEMENT_CATEGORY_" + name
    for name in (
        "ANIMAL_WELFARE",
        "CONSUMER_INFORMATION",
        "CYBER_VIOLENCE",
        "CYBER_VIOLENCE_AGAINST_WOMEN",
        "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "ILLEGAL_OR_HARMFUL_SPEECH",
        "INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "NOT_SPECIFIED_NOTICE",
        "OTHER_VIOLATION_TC",
        "PROTECTION_OF_MINORS",
        "RISK_FOR_PUBLIC_SECURITY",
        "SCAMS_AND_FRAUD",
        "SELF_HARM",
        "UNSAFE_AND_PROHIBITED_PRODUCTS",
        "VIOLENCE",
    )
]
KEYWORDS = [
    "KEYWORD_" + name
    for name in [
        "ADULT_SEXUAL_MATERIAL",
        "AGE_SPECIFIC_RESTRICTIONS",
        "AGE_SPECIFIC_RESTRICTIONS_MINORS",
        "ANIMAL_HARM",
        "BIOMETRIC_DATA_BREACH",
        "BULLYING_AGAINST_GIRLS",
        "CHILD_SEXUAL_ABUSE_MATERIAL",
        "CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
        "CONTENT_PROMOTING_EATING_DISORDERS",
        "COORDINATED_HARM",
        "COPYRIGHT_INFRINGEMENT",
        "CYBER_BULLYING_INTIMIDATION",
        "CYBER_HARASSMENT",
        "CYBER_HARASSMENT_AGAINST_WOMEN",
        "CYBER_INCITEMENT",
        "CYBER_STALKING",
        "CYBER_STALKING_AGAINST_WOMEN",
        "DATA_FALSIFICATION",
        "DEFAMATION",
        "DESIGN_INFRINGEMENT",
        "DISCRIMINATION",
        "FEMALE_GENDERED_DISINFORMATION",
        "GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
        "GEOGRAPHICAL_REQUIREMENTS",
        "GOODS_SERVICES_NOT_PERMITTED",
        "GROOMING_SEXUAL_ENTICEMENT_MINORS",
        "HATE_SPEECH",
        "HIDDEN_ADVERTISEMENT",
        "HUMAN_EXPLOITATION",
        "HUMAN_TRAFFICKING",
        "ILLEGAL_ORGANIZATIONS",
        "IMPERSONATION_ACCOUNT_HIJACKING",
        "INAUTHENTIC_ACCOUNTS",
        "INAUTHENTIC_LISTINGS",
        "INAUTHENTIC_USER_REVIEWS",
        "INCITEMENT_AGAINST_WOMEN",
        "INCITEMENT_VIOLENCE_HATRED",
        "INSUFFICIENT_INFORMATION_ON_TRADERS",
        "LANGUAGE_REQUIREMENTS",
        "MISINFORMATION_DISINFORMATION",
        "MISLEADING_INFO_CONSUMER_RIGHTS",
        "MISLEADING_INFO_GOODS_SERVICES",
        "MISSING_PROCESSING_GROUND",
        "NON_CONSENSUAL_IMAGE_SHARING",
        "NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
        "NON_CONSENSUAL_MATERIAL_DEEPFAKE",
        "NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
        "NONCOMPLIANCE_PRICING",
        "NUDITY",
        "PATENT_INFRINGEMENT",
        "PHISHING",
        "PROHIBITED_PRODUCTS",
        "PYRAMID_SCHEMES",
        "RIGHT_TO_BE_FORGOTTEN",
        "RISK_ENVIRONMENTAL_DAMAGE",
        "RISK_PUBLIC_HEALTH",
        "SELF_MUTILATION",
        "STALKING",
        "SUICIDE",
        "TERRORIST_CONTENT",
        "TRADE_SECRET_INFRINGEMENT",
        "TRADEMARK_INFRINGEMENT",
        "TRAFFICKING_WOMEN_GIRLS",
        "UNLAWFUL_SALE_ANIMALS",
        "UNSAFE_CHALLENGES",
        "UNSAFE_PRODUCTS",
        "VIOLATION_EU_LAW",
        "VIOLATION_NATIONAL_LAW",
        "OTHER",
    ]
]
SOURCES = ["SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"]
DETECTIONS = ["Yes", "No"]
DECISIONS = ["AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"]
COUNTRIES = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IS",
    "IT",
    "LI",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "NO",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
]
DECISION_NAMES = ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")
PUID = re.compile(r"\A[a-zA-Z0-9\-_]+\Z")  # /^[a-zA-Z0-9-_]+$/D
DUPLICATE = "The platform identifier(s) are not all unique within this call."
DATE_MESSAGES = {  # multi_messages(), GroupedSubmissionsService.php:380-385
    "content_date": "The content date does not match the format YYYY-MM-DD.",
    "application_date": "The application date does not match the format YYYY-MM-DD.",
    "end_date_account_restriction": "The end date of account restriction does not match the format YYYY-MM-DD.",
    "end_date_monetary_restriction": "The end date of monetary restriction does not match the format YYYY-MM-DD.",
    "end_date_service_restriction": "The end date of service restriction does not match the format YYYY-MM-DD.",
    "end_date_visibility_restriction": "The end date of visibility restriction does not match the format YYYY-MM-DD.",
}
REQUIRED_IF = {  # multi_messages(), GroupedSubmissionsService.php:373-379
    "illegal_content_legal_ground": "The illegal content legal ground field is required when decision ground is "
    "illegal content.",
    "illegal_content_explanation": "The illegal content explanation field is required when decision ground is "
    "illegal content.",
    "incompatible_content_ground": "The incompatible content ground field is required when decision ground is "
    "incompatible content.",
    "incompatible_content_explanation": "The incompatible content explanation field is required when decision "
    "ground is incompatible content.",
}


# Str::isUrl's character classes: a path segment, a query, a fragment ("%" starts a %XX escape in each).
URL_PATH = set(string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@%")
URL_QUERY = URL_PATH | set("[]/?")
URL_FRAGMENT = URL_PATH | set("/?")


def _web_address(value) -> bool:
    """Str::isUrl for an http or https address of a named host: the scheme, a host name, a port, then its classes."""
    if not isinstance(value, str) or any(ch.isspace() for ch in value):
        return False
    scheme, sep, rest = value.partition("://")
    if scheme.lower() not in ("http", "https") or not sep:
        return False
    cut = min([i for i in (rest.find(c) for c in "/?#") if i >= 0], default=len(rest))
    host, _, port = rest[:cut].partition(":")
    labels = host.split(".")
    if len(labels) < 2 or not all(label and label.replace("-", "").isalnum() and label.isascii() for label in labels):
        return False
    if port and not port.isdigit():
        return False
    before, _, fragment = rest[cut:].partition("#")
    path, _, query = before.partition("?")
    escapes_ok = all(re.fullmatch(r"[0-9A-Fa-f]{2}", part[:2]) for part in value.split("%")[1:])
    return escapes_ok and set(path) <= URL_PATH | {"/"} and set(query) <= URL_QUERY and set(fragment) <= URL_FRAGMENT


def _words(name: str) -> str:
    return name.replace("_", " ")


def clean(value):
    """TrimStrings, then ConvertEmptyStringsToNull, on every string of the body."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        return [clean(item) for item in value]
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    return value


def _day(value) -> date | None:
    """date_format:Y-m-d: the value must print back as itself."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class Checker:
    """The batch endpoint's validation of one statement: {field: [message, ...]}."""

    def __init__(self, s: dict, categories: list[str] = CATEGORIES):
        self.s = s
        self.categories = categories
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def one_of(self, name: str, allowed: list[str], *, required: bool = False, many: bool = False) -> None:
        value = self.s.get(name)
        if value is None:
            if required:
                self.add(name, f"The {_words(name)} field is required.")
            return
        if many and not isinstance(value, list):
            self.add(name, f"The {_words(name)} field must be an array.")
            return
        if any(item not in allowed for item in (value if many else [value])):
            self.add(name, f"The selected {_words(name)} is invalid.")

    def text(self, name: str, limit: int, *, required: bool = False, message: str | None = None) -> None:
        value = self.s.get(name)
        if value is None:
            if required:
                self.add(name, message or f"The {_words(name)} field is required.")
            return
        if isinstance(value, str) and len(value) > limit:
            self.add(name, f"The {_words(name)} field must not be greater than {limit} characters.")

    def day(self, name: str, *, required: bool, earliest: str | None = None) -> None:
        value = self.s.get(name)
        if value is None:
            if required:
                self.add(name, f"The {_words(name)} field is required.")
            return
        day = _day(value)
        if day is None:
            self.add(name, DATE_MESSAGES[name])
            return
        if earliest and day < date.fromisoformat(earliest):
            self.add(name, f"The {_words(name)} field must be a date after or equal to {earliest}.")
        if day > date(2038, 1, 1):
            self.add(name, f"The {_words(name)} field must be a date before or equal to 2038-01-01.")

    def decisions(self) -> None:
        for name, allowed in zip(DECISION_NAMES, (VISIBILITY, MONETARY, PROVISION, ACCOUNT), strict=True):
            others = [other for other in DECISION_NAMES if other != name]
            if all(self.s.get(n) in (None, []) for n in DECISION_NAMES):
                listed = " / ".join(_words(other) for other in others)
                self.add(name, f"The {_words(name)} field is required when none of {listed} are present.")
            else:
                self.one_of(name, allowed, many=name == "decision_visibility")
        if "DECISION_VISIBILITY_OTHER" in (self.s.get("decision_visibility") or []):
            self.text("decision_visibility_other", 500, required=True)
        if self.s.get("decision_monetary") == "DECISION_MONETARY_OTHER":
            self.text(
                "decision_monetary_other",
                500,
                required=True,
                message="The decision monetary other field is required when decision monetary is other.",
            )

    def ground(self) -> None:
        self.one_of("decision_ground", GROUNDS, required=True)
        reference_url = self.s.get("decision_ground_reference_url")
        if reference_url is not None and not _web_address(reference_url):
            self.add("decision_ground_reference_url", "The decision ground reference url field must be a valid URL.")
        self.text("decision_ground_reference_url", 500)
        ground = self.s.get("decision_ground")
        if ground == "DECISION_GROUND_ILLEGAL_CONTENT":
            self.text(
                "illegal_content_legal_ground", 500, required=True, message=REQUIRED_IF["illegal_content_legal_ground"]
            )
            self.text(
                "illegal_content_explanation", 2000, required=True, message=REQUIRED_IF["illegal_content_explanation"]
            )
        if ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT":
            self.text(
                "incompatible_content_ground", 500, required=True, message=REQUIRED_IF["incompatible_content_ground"]
            )
            self.text(
                "incompatible_content_explanation",
                2000,
                required=True,
                message=REQUIRED_IF["incompatible_content_explanation"],
            )
            self.one_of("incompatible_content_illegal", ["Yes", "No"])

    def run(self) -> dict[str, list[str]]:
        self.decisions()
        self.one_of("account_type", ACCOUNT_TYPES)
        self.one_of("category_specification", KEYWORDS, many=True)
        self.text("category_specification_other", 500)
        self.ground()
        self.one_of("content_type", CONTENT_TYPES, required=True, many=True)
        if "CONTENT_TYPE_OTHER" in (self.s.get("content_type") or []):
            self.text("content_type_other", 500, required=True)
        self.one_of("category", self.categories, required=True)
        self.one_of("category_addition", self.categories, many=True)
        self.one_of("territorial_scope", COUNTRIES, many=True)
        self.day("content_date", required=True, earliest="2000-01-01")
        self.day("application_date", required=True, earliest="2020-01-01")
        for name in DATE_MESSAGES:
            if name.startswith("end_date_"):
                self.day(name, required=False)
        self.text("decision_facts", 5000, required=True)
        self.one_of("source_type", SOURCES, required=True)
        self.text("source_identity", 500)
        self.one_of("automated_detection", DETECTIONS, required=True)
        self.one_of("automated_decision", DECISIONS, required=True)
        self.text("puid", 500, required=True)
        puid = self.s.get("puid")
        if puid is not None and not (isinstance(puid, str) and PUID.match(puid)):
            self.add("puid", "The puid format is invalid.")
        return self.errors


def _json(body: dict, status: int, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json", headers=headers or {})


class FakeTransparencyDatabase:
    """The API on 127.0.0.1 on a free port, in a thread; `stored` is what it holds, by puid."""

    def __init__(self, token: str = "test-token"):
        self.token = token
        self.stored: dict[str, dict] = {}
        self.categories = list(CATEGORIES)  # a test may retire one, as the API did on 1 July 2025
        self.batches: list[int] = []  # the size of every POST's batch
        # consumed one per request: (503,), (429, "7"), ("drop-after-store",), ("locked", puid)
        self.faults: list[tuple] = []
        self.posted = Counter()  # puid -> how many POSTs carried it
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status)
        self.authorizations: list[str] = []
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeTransparencyDatabase:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def wsgi(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            response = self.answer(request, environ)
        self.requests.append((request.method, request.path, response.status_code))
        return response(environ, start_response)

    def answer(self, request: Request, environ) -> Response:
        self.authorizations.append(request.headers.get("Authorization", ""))
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return _json({"message": "Unauthenticated."}, 401)
        fault = self.faults.pop(0) if self.faults else None
        if fault and fault[0] == 429:
            return Response("Limit Reached. Please do not overload the API", 429, {"Retry-After": fault[1]})
        if fault and isinstance(fault[0], int):
            return _json({"message": "Service Unavailable"}, fault[0])
        if request.method == "GET" and request.path.startswith("/api/v1/statement/existing-puid/"):
            puid = request.path.rsplit("/", 1)[1]
            if puid in self.stored:
                return _json({"message": "statement of reason found", "puid": puid}, 302)
            return _json({"message": "statement of reason not found", "puid": puid}, 404)
        if request.method == "POST" and request.path == "/api/v1/statements" and fault and fault[0] == "locked":
            # PlatformUniqueIdService::acquirePuidLocks: another request holds this puid's lock, so the API
            # answers as for a duplicate, stores nothing, and does not hold the statement.
            return _json({"message": DUPLICATE, "errors": {"puid": [DUPLICATE], "existing_puids": [fault[1]]}}, 422)
        if request.method == "POST" and request.path == "/api/v1/statements":
            response = self.store(clean(request.get_json(silent=True) or {}))
            if fault == ("drop-after-store",):
                sock = environ["werkzeug.socket"]
                sock.shutdown(socket.SHUT_RDWR)  # stored, and the client never hears of it
            return response
        return _json({"message": "Not Found"}, 404)

    def store(self, payload: dict) -> Response:
        statements = payload.get("statements")
        if not isinstance(statements, list) or not 1 <= len(statements) <= 100:
            message = "The statements field must have between 1 and 100 items."
            if not statements:
                message = "The statements field is required."
            return _json({"message": message, "errors": {"statements": [message]}}, 422)
        self.batches.append(len(statements))
        for statement in statements:
            if isinstance(statement, dict) and isinstance(statement.get("puid"), str):
                self.posted[statement["puid"]] += 1
        errors = {}
        for index, statement in enumerate(statements):
            found = Checker(statement if isinstance(statement, dict) else {}, self.categories).run()
            if found:
                errors[f"statement_{index}"] = found
        if errors:
            return _json({"errors": errors}, 422)
        puids = [statement["puid"] for statement in statements]
        repeated = sorted({puid for puid in puids if puids.count(puid) > 1})
        existing = repeated or [puid for puid in puids if puid in self.stored]
        if existing:
            return _json({"message": DUPLICATE, "errors": {"puid": [DUPLICATE], "existing_puids": existing}}, 422)
        out = []
        for statement in statements:
            key = str(uuid.uuid4())
            self.stored[statement["puid"]] = statement
            out.append({**statement, "uuid": key, "self": f"{self.url}/api/v1/statement/{key}"})
        return _json({"statements": out}, 201)
