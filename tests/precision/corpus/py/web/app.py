"""A Flask app served by serverless-wsgi; the mail is sent before the response, in a thread
the route joins."""
import threading

import serverless_wsgi
from flask import Blueprint, Flask, jsonify, request

app = Flask(__name__)
accounts = Blueprint("accounts", __name__, url_prefix="/accounts")


def _send_welcome(address: str) -> None:
    print("welcome mail to", address)


@accounts.route("/", methods=["POST"])
def create_account():
    address = request.json["email"]
    mailer = threading.Thread(target=_send_welcome, args=(address,))
    mailer.start()
    mailer.join(timeout=5)
    return jsonify({"email": address}), 201


@app.route("/ping")
def ping():
    return "pong"


app.register_blueprint(accounts)


def handler(event, context):
    return serverless_wsgi.handle_request(app, event, context)
