const { MongoClient } = require('mongodb');

let cached;

async function connect() {
  const client = new MongoClient(process.env.MONGODB_URI, { maxPoolSize: 1 });
  await client.connect();
  return client.db(process.env.MONGODB_DB);
}

async function getDb() {
  if (!cached) cached = connect();
  return cached;
}

module.exports.handler = async (event) => {
  const db = await getDb();
  const users = db.collection('users');
  const user = await users.findOne({ _id: event.pathParameters.id });
  if (!user) {
    return { statusCode: 404, body: '' };
  }
  await users.updateOne({ _id: user._id }, { $set: { lastSeenAt: new Date() } });
  return { statusCode: 200, body: JSON.stringify(user) };
};
