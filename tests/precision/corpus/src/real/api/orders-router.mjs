import { Router } from "express";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";

const table = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const orders = Router();

orders.get("/:id", async (req, res, next) => {
  try {
    const { Item } = await table.send(new GetCommand({ TableName: process.env.TABLE, Key: { pk: req.params.id } }));
    if (!Item) return res.status(404).json({ message: "not found" });
    return res.json(Item);
  } catch (error) {
    return next(error);
  }
});

orders.put("/:id", (req, res, next) => {
  table
    .send(new PutCommand({ TableName: process.env.TABLE, Item: { pk: req.params.id, ...req.body } }))
    .then(() => res.status(204).end())
    .catch(next);
});
