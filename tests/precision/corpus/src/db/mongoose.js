const mongoose = require('mongoose');

let cachedConnection = null;

async function connect() {
  if (cachedConnection) return cachedConnection;
  cachedConnection = await mongoose.connect(process.env.MONGODB_URI, {
    serverSelectionTimeoutMS: 5000,
    maxPoolSize: 1,
  });
  mongoose.connection.on('error', (err) => console.error('mongo connection error', err));
  mongoose.connection.on('disconnected', () => {
    cachedConnection = null;
  });
  return cachedConnection;
}

const User = mongoose.model('User', new mongoose.Schema({ email: String, plan: String }));

exports.handler = async (event) => {
  await connect();
  const user = await User.findById(event.pathParameters.id).lean();
  return user ? { statusCode: 200, body: JSON.stringify(user) } : { statusCode: 404, body: '' };
};
