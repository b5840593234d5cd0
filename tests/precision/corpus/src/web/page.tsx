"use client";

import { useEffect, useState, type FormEvent } from "react";

type Product = { id: string; name: string; price: number };

export default function Page() {
  const [products, setProducts] = useState<Product[]>([]);
  const [query, setQuery] = useState("");

  useEffect(() => {
    const controller = new AbortController();
    fetch(`/api/products?q=${encodeURIComponent(query)}`, { signal: controller.signal })
      .then((response) => response.json())
      .then(setProducts)
      .catch(() => {});
    const refresh = setInterval(() => setQuery((q) => q), 30_000);
    window.addEventListener("focus", () => setQuery((q) => q));
    return () => {
      controller.abort();
      clearInterval(refresh);
    };
  }, [query]);

  const submitHandler = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    fetch("/api/track", { method: "POST", body: JSON.stringify({ query }) });
  };

  return (
    <form onSubmit={submitHandler}>
      <input value={query} onChange={(e) => setQuery(e.target.value)} />
      <ul>
        {products.map((p) => (
          <li key={p.id}>
            {p.name}: {p.price.toFixed(2)}
          </li>
        ))}
      </ul>
    </form>
  );
}
