import datetime

import boto3

from common.errors import report_errors

athena = boto3.client("athena")


@report_errors
def handler(event, context):
    day = event.get("day") or datetime.date.today().isoformat()
    execution = athena.start_query_execution(
        QueryString=f"select count(*) from orders where day = '{day}'",
        WorkGroup="reports",
    )
    return {"query": execution["QueryExecutionId"]}
