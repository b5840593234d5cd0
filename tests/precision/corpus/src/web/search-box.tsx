import { useCallback, useState } from "react";

// A React event handler exported from a component module: not a Lambda handler.
export const changeHandler = async (event: { target: { value: string } }, onResult: (r: string[]) => void) => {
  const response = await fetch(`/api/suggest?q=${event.target.value}`);
  response.json().then(onResult);
};

export function SearchBox() {
  const [items, setItems] = useState<string[]>([]);
  const onChange = useCallback((e: { target: { value: string } }) => {
    setTimeout(() => changeHandler(e, setItems), 150);
  }, []);
  return (
    <div>
      <input onChange={onChange} />
      {items.map((item) => (
        <p key={item}>{item}</p>
      ))}
    </div>
  );
}
