import util from 'util';
import stream from 'stream';
const { Readable } = stream;
const pipeline = util.promisify(stream.pipeline);

export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
    const httpResponseMetadata = { statusCode: 200, headers: { "Content-Type": "text/html" } };
    responseStream = awslambda.HttpResponseStream.from(responseStream, httpResponseMetadata);
    responseStream.write("<html>");
    await new Promise(r => setTimeout(r, 1000));
    responseStream.write("</html>");
    responseStream.end();
});

export const pipeHandler = awslambda.streamifyResponse(async (event, responseStream, _context) => {
    const requestStream = Readable.from(Buffer.from(JSON.stringify(event)));
    await pipeline(requestStream, responseStream);
});
