"""Settings for 邻里, read from the environment (django-environ).

With nothing set the portal runs on a laptop: SQLite, an in-memory channel
layer and a local-memory cache, DEBUG on. Set DATABASE_URL, REDIS_URL,
SECRET_KEY and ALLOWED_HOSTS to move to PostgreSQL + Redis; set
DJANGO_ENV=production for production-safe settings (HTTPS only, DEBUG off).
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from redis.connection import parse_url as redis_parse_url

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)

_DEV_SECRET = "dev-only-secret-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET)
if PRODUCTION and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs a SECRET_KEY of its own, at least 50 characters long."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "rest_framework",
    "drf_spectacular_sidecar",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.weixin",
    "django_tasks",
    "django_tasks_db",
    "core",
    "residents",
    "grids",
    "points",
    "mutualaid",
    "activities",
    "family",
    "reports",
    "today",
]

MIDDLEWARE = [
    "core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.security.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "family.middleware.ActingMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RefuseControlCharactersMiddleware",
    "residents.middleware.ServiceErrorMiddleware",
    "core.overload.OverloadMiddleware",
]

ROOT_URLCONF = "community.urls"
WSGI_APPLICATION = "community.wsgi.application"
ASGI_APPLICATION = "community.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "residents.context_processors.display_preferences",
                "today.context_processors.tab_badges",
            ],
        },
    },
]

# Database: SQLite on a laptop, PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Every wait is bounded, so a burst queued behind one locked row ends in a quick
    # 503 + Retry-After (core/overload.py), never a hang or a 500.
    _lock_timeout_ms = env.int("DATABASE_LOCK_TIMEOUT_MS", default=3000)
    _statement_timeout_ms = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=15000)
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={_lock_timeout_ms} -c statement_timeout={_statement_timeout_ms}"
    )
    # A hot read may ask PostgreSQL to keep its statement parsed and planned on the
    # connection (grids.selectors.rows.prepared_cursor: the board feed, a unit's queue);
    # nothing else is prepared, as Django's own cursors bind on the client. Off for a
    # pooler that cannot carry prepared statements (PgBouncer before 1.21, transactions).
    if env.bool("DATABASE_PREPARED", default=True):
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2**31 - 1  # only when asked
    # Under ASGI a request may run on any thread, so persistent per-thread
    # connections pile up; Django's advice is no reuse, or psycopg's pool.
    if env.bool("DATABASE_POOL", default=False):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN", default=2),
            "max_size": env.int("DATABASE_POOL_MAX", default=10),
            # Seconds a request waits for a free connection before its 503.
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=5.0),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# What a 503 (pool exhausted, lock or statement timeout) asks clients to wait.
RETRY_AFTER_SECONDS = env.int("RETRY_AFTER_SECONDS", default=5)

# Redis: channel layer and cache when REDIS_URL is set; in-memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Redis pub/sub: a group_send is one PUBLISH, and each worker receives it once and
    # hands it to its own sockets of the group (channels-redis's list-per-channel layer
    # wrote and popped one message per socket). At most once, like every layer: board
    # sockets fill gaps from BoardEvent. Pub/sub channels are not per Redis database,
    # so the default prefix names the database of REDIS_URL.
    CHANNEL_LAYERS = {
        "default": {
            # channels-redis's pub/sub layer; after a Redis outage every socket catches up.
            "BACKEND": "core.channel_layer.RecoveringPubSubChannelLayer",
            "CONFIG": {
                # redis-py 8 gives up reading a socket after 5 s by default; give the
                # layer's connections room (redis/redis-py#4091).
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 30,
                        "socket_keepalive": True,
                        "max_connections": env.int("CHANNELS_MAX_CONNECTIONS", default=2000),
                    }
                ],
                "prefix": env.str(
                    "CHANNELS_PREFIX", default=f"linli-{redis_parse_url(REDIS_URL).get('db', 0)}"
                ),
            },
        }
    }
    # Messages a socket may fall behind before it is closed to resume (core.channel_layer).
    CHANNELS_SOCKET_QUEUE = env.int("CHANNELS_SOCKET_QUEUE", default=200)
    CACHES = {
        "default": {
            # A Redis outage makes the cache miss instead of failing requests.
            "BACKEND": "core.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_PREFIX", default="linli"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "residents.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: the phone number is the identity; log in by SMS code or password.
ACCOUNT_ADAPTER = "residents.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone"}
# Sign-up asks for the phone only and verifies it by SMS; the password is optional (the
# page leaves it out; it can be set later under Me). Listed, so password login stays on.
ACCOUNT_SIGNUP_FIELDS = ["phone*", "password1"]
ACCOUNT_SIGNUP_FORM_CLASS = "residents.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_MODEL_EMAIL_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
# "Didn't get it? Send again" on the sign-up code page (spends the verify_phone budget),
# and a mistyped number corrected there (twice at most).
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_CHANGE = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 300
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
# "Didn't get it? Send again": each resend spends the request_login_code budget
# (residents.adapter), so the texts a day to one phone stay capped.
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    # SMS login codes, per phone (key) and per address: a few a minute, growing steps
    # to the hour and the day. With 3 tries per code that is at most 30 guesses a day
    # at one account, and at most 10 texts a day to one phone.
    "request_login_code": "20/m/ip,50/d/ip,3/m/key,6/h/key,10/d/key",
    "verify_phone": "1/30s/key,3/m/ip",
    "change_phone": "1/m/user",
    "reset_password": "20/m/ip,5/m/key",
}
# WeChat one-tap login (allauth's weixin provider, our adapter with its addresses from
# here): off unless WECHAT_APP_ID and WECHAT_APP_SECRET are set. A first WeChat login is
# tied to a phone verified by SMS code (residents/wechat), never to a new phoneless account.
WECHAT_APP_ID = env.str("WECHAT_APP_ID", default="")
WECHAT_APP_SECRET = env.str("WECHAT_APP_SECRET", default="")
SOCIALACCOUNT_ADAPTER = "residents.wechat.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS = {
    "weixin": {
        "provider_class": "residents.wechat.provider.WechatProvider",
        # Inside WeChat's browser: the official-account web authorisation, with the profile.
        "SCOPE": ["snsapi_userinfo"],
        "AUTHORIZE_URL": env.str(
            "WECHAT_AUTHORIZE_URL", default="https://open.weixin.qq.com/connect/oauth2/authorize"
        ),
        "ACCESS_TOKEN_URL": env.str(
            "WECHAT_ACCESS_TOKEN_URL", default="https://api.weixin.qq.com/sns/oauth2/access_token"
        ),
        "PROFILE_URL": env.str(
            "WECHAT_PROFILE_URL", default="https://api.weixin.qq.com/sns/userinfo"
        ),
        "APPS": (
            [{"client_id": WECHAT_APP_ID, "secret": WECHAT_APP_SECRET}]
            if WECHAT_APP_ID and WECHAT_APP_SECRET
            else []
        ),
    }
}
WECHAT_FORM_ACTION = (
    ["{0.scheme}://{0.netloc}".format(urlsplit(SOCIALACCOUNT_PROVIDERS["weixin"]["AUTHORIZE_URL"]))]
    if SOCIALACCOUNT_PROVIDERS["weixin"]["APPS"]
    else []
)
# SMS codes as people expect them: six digits.
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
HEADLESS_CLIENTS = ("app",)
HEADLESS_ONLY = False
HEADLESS_SERVE_SPECIFICATION = True
# Where the SMS gateway lives; the console gateway prints codes (development).
SMS_GATEWAY = env.str("SMS_GATEWAY", default="residents.sms.ConsoleGateway")

# The personal stream (/ws/me/) also listens on shared groups named by this
# function, so one message can nudge every member of a grid.
ME_STREAM_GROUPS = "grids.selectors.places.me_stream_groups"

# Grid boards.
BOARD_FLAGS_TO_HIDE = env.int("BOARD_FLAGS_TO_HIDE", default=3)
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=40_000_000)

# Points (积分): what a handover and an hour of volunteer service earn.
POINTS_PER_HANDOVER = env.int("POINTS_PER_HANDOVER", default=5)
POINTS_PER_VOLUNTEER_HOUR = env.int("POINTS_PER_VOLUNTEER_HOUR", default=10)

# Reports (随手拍): escalation of an overdue report, one level per step (the grid worker,
# then the community's cadres, then the street office), and the hours after closure at
# which a report the reporter did not answer counts as confirmed.
REPORTS_ESCALATION_LEVELS = env.list(
    "REPORTS_ESCALATION_LEVELS", default=["grid_worker", "cadre", "street_office"]
)
REPORTS_ESCALATION_STEP_HOURS = env.int("REPORTS_ESCALATION_STEP_HOURS", default=24)
REPORTS_AUTO_CONFIRM_HOURS = env.int("REPORTS_AUTO_CONFIRM_HOURS", default=72)
REPORTS_DUPLICATE_HOURS = env.int("REPORTS_DUPLICATE_HOURS", default=24)
REPORTS_DUPLICATE_METRES = env.int("REPORTS_DUPLICATE_METRES", default=100)

# Background work (activity reminders): the immediate backend runs a task at once
# (development; reminders then go out when `manage.py activities_remind` runs, e.g.
# from cron); production sets TASKS_BACKEND=django_tasks_db.DatabaseBackend and runs
# `manage.py db_worker`, which sends each reminder at its time.
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "allauth.headless.contrib.rest_framework.authentication.XSessionTokenAuthentication",
        "core.api.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.ApiSchema",
    # A body is an object and its text holds no control characters (core/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.ObjectJSONParser",
        "core.parsers.FormParser",
        "core.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.NewestFirstCursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.throttles.WriteRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "write": env.str("THROTTLE_WRITE", default="120/min"),
        "join": env.str("THROTTLE_JOIN", default="10/min"),
        # Civic apps' Open311 POSTs, per address (a bad api_key spends it too).
        "open311": env.str("THROTTLE_OPEN311", default="30/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + ([] if PRODUCTION else ["rest_framework.renderers.BrowsableAPIRenderer"]),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "邻里 API",
    "DESCRIPTION": "Community portal: residents, grids, join by QR code.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ActivityKindEnum": "activities.models.Activity.Kind",
        "ActivityStateEnum": "activities.models.Activity.State",
        "AudienceEnum": "activities.models.Activity.Audience",
        "SignUpStateEnum": "activities.models.SignUp.State",
        "RedemptionStateEnum": "points.models.Redemption.State",
        "PointsKindEnum": "points.models.PointsEntry.Kind",
        "AgeBandEnum": "residents.models.AgeBand",
        "ReportStateEnum": "reports.models.Report.State",
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Photos: a local folder by default; an S3-compatible bucket (MinIO, OSS, COS, S3)
# when MEDIA_BUCKET is set, so every server process sees the same files.
MEDIA_BUCKET = env.str("MEDIA_BUCKET", default="")
_media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if MEDIA_BUCKET:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": env.str("MEDIA_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_REGION", default="") or None,
            "access_key": env.str("MEDIA_ACCESS_KEY", default="") or None,
            "secret_key": env.str("MEDIA_SECRET_KEY", default="") or None,
            "custom_domain": env.str("MEDIA_CUSTOM_DOMAIN", default="") or None,
            "querystring_auth": env.bool("MEDIA_SIGNED_URLS", default=True),
            "file_overwrite": False,
            "default_acl": None,
        },
    }
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    X_FRAME_OPTIONS = "DENY"
    SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): the pages load only their own scripts (no
# inline script, no eval); a nonce is there for the day one needs an inline script.
# Inline styles stay allowed: htmx injects its indicator style, the admin and Swagger
# UI use style attributes. Photos from a bucket need its host in CSP_IMG_SRC.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:", *env.list("CSP_IMG_SRC", default=[])],
        "connect-src": [SELF, *env.list("CSP_CONNECT_SRC", default=[])],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # Plus WeChat's authorisation page when WeChat login is on: the 微信一键登录 form
        # posts to us and we redirect there, which form-action governs too.
        "form-action": [SELF, *WECHAT_FORM_ACTION],
        "frame-ancestors": [NONE],
    }
}
# Browser features the pages never use (core/security.py).
PERMISSIONS_POLICY = env.str(
    "PERMISSIONS_POLICY",
    default="camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()",
)

# Operations: /healthz, /readyz and /metrics (core/health.py, core/metrics.py).
# /metrics answers a `Authorization: Bearer <METRICS_TOKEN>` scrape or a staff session.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# Logs: one JSON object per line in production (LOG_FORMAT=json), plain text otherwise.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.log_format.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Error reporting, only when SENTRY_DSN is set. No personal data and no request
# bodies leave (a login body holds an SMS code or a password).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=DJANGO_ENV,
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
