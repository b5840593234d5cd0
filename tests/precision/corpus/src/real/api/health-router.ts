// Typed Express routes beside a fetch helper: `res.json(...)` (express's Response) is not the
// awaited `response.json()` of fetch's global Response.
import { Router, type Request, type Response } from "express";
import { upstreamStatus } from "./upstream";

export const health = Router();

health.get("/", async (req: Request, res: Response) => {
  const status = await upstreamStatus(await fetch(process.env.UPSTREAM_URL!));
  res.json({ ok: status === "up" });
});

health.get("/live", (req: Request, res: Response) => {
  res.status(200);
  res.json({ live: true });
});
