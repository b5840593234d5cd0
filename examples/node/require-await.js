// require-await (off by default; try --select require-await): an async handler that never awaits.
exports.handler = async (event) => {
  const total = event.items.reduce((sum, item) => sum + item.price, 0);
  return { total };
};
