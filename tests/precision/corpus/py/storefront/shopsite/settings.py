DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.contenttypes", "catalog"]
ROOT_URLCONF = "shopsite.urls"
