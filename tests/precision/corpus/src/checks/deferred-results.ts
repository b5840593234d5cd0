// Work started early and kept for later: in a variable tested only after it is awaited, or in an
// object property that is awaited, returned, handed on or gathered with Promise.all.
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";

const db = new DynamoDBClient({});

async function isEnabled(flag: string): Promise<boolean> {
  const item = await db.send(new GetItemCommand({ TableName: "flags", Key: { id: { S: flag } } }));
  return item.Item?.enabled?.BOOL === true;
}

async function loadProfile(id: string) {
  return db.send(new GetItemCommand({ TableName: "profiles", Key: { id: { S: id } } }));
}

async function waitForAll(job: { profile: Promise<unknown>; flag: Promise<boolean> }) {
  return Promise.all([job.profile, job.flag]);
}

export const handler = async (event: { userId: string }) => {
  const enabledCheck = isEnabled("new-profile");
  const enabled = await enabledCheck;
  if (!enabled) {
    return { statusCode: 404 };
  }

  const job = { profile: loadProfile(event.userId), flag: isEnabled("beta") };
  await waitForAll(job);

  const state: { profile?: Promise<unknown>; beta?: Promise<boolean> } = {};
  state.profile = loadProfile(event.userId);
  state.beta = isEnabled("beta");
  const [profile, beta] = await Promise.all([state.profile, state.beta]);

  const later = { audit: isEnabled("audit") };
  if (await later.audit) {
    console.log("audit on");
  }

  const tasks = { refresh: loadProfile(event.userId) };
  await tasks.refresh;

  return { statusCode: 200, body: JSON.stringify({ profile, beta }) };
};

export async function prefetch(userId: string) {
  const pending = { profile: loadProfile(userId) };
  return pending; // the caller awaits the fields
}
