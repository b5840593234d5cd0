"""The storefront's Django site on Lambda, behind API Gateway through serverless-wsgi."""
import serverless_wsgi

from shopsite.wsgi import application


def handler(event, context):
    return serverless_wsgi.handle_request(application, event, context)
