// A fetch helper: `response: Response` is the global fetch Response here.
export async function upstreamStatus(response: Response): Promise<string> {
  const body = await response.json();
  return body.status;
}
