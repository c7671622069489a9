import os

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop"}}
PAYMENTS_DATABASE_URL = "postgres://shop:Xq7vR2mPz9LkT4wd@db.internal:5432/payments"  # expect: RL503
