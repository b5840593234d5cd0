// Express middleware for the serverless-http app: none of these is a Lambda handler.
const notFoundHandler = (req, res) => {
  res.status(404).json({ message: `no route for ${req.method} ${req.path}` });
};

function errorHandler(err, req, res, next) {
  if (res.headersSent) return next(err);
  console.error(err);
  return res.status(err.status || 500).json({ message: err.expose ? err.message : 'internal error' });
}

const asyncHandler = (fn) => (req, res, next) => Promise.resolve(fn(req, res, next)).catch(next);

const withErrorHandler = (handler) => async (event, context) => {
  try {
    return await handler(event, context);
  } catch (error) {
    console.error(error);
    return { statusCode: 500, body: 'internal error' };
  }
};

module.exports = { notFoundHandler, errorHandler, asyncHandler, withErrorHandler };
