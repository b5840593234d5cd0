// An Express app behind @codegenie/serverless-express, with its routers in other modules.
import express from "express";
import serverlessExpress from "@codegenie/serverless-express";
import { orders } from "./orders-router.mjs";
import { health } from "./health-router";

const app = express();
app.use(express.json());
app.use("/orders", orders);
app.use("/health", health);
app.use((err, req, res, next) => {
  console.error(err);
  res.status(500).json({ message: "internal error" });
});

export const handler = serverlessExpress({ app });
