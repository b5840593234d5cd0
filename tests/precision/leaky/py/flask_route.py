"""A Flask route behind aws-wsgi that sends mail in a thread nobody waits for."""
import threading

import awsgi
from flask import Flask

app = Flask(__name__)


def send_mail(address):
    print("mail to", address)


@app.route("/invite/<address>", methods=["POST"])
def invite(address):
    threading.Thread(target=send_mail, args=(address,)).start()  # LEAK thread-leak
    return "invited"


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
