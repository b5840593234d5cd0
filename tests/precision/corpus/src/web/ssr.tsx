import { renderToString } from "react-dom/server";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from "aws-lambda";

type Props = { name: string; items: string[] };

function App({ name, items }: Props) {
  return (
    <html>
      <body>
        <h1>Hello {name}</h1>
        <ul>{items.map((item) => <li key={item}>{item}</li>)}</ul>
      </body>
    </html>
  );
}

async function loadItems(): Promise<string[]> {
  const response = await fetch(`${process.env.API_URL}/items`);
  return (await response.json()) as string[];
}

// Server-side rendering on Lambda: this one is a handler.
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
  const items = await loadItems();
  const html = renderToString(<App name={event.queryStringParameters?.name ?? "world"} items={items} />);
  return { statusCode: 200, headers: { "content-type": "text/html" }, body: `<!doctype html>${html}` };
};
