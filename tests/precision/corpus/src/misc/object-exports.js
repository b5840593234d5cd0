const { getItem, putItem } = require('../lib/ddb');

module.exports = {
  handler: async (event) => getItem(event.id),
  async archiveHandler(event) {
    const item = await getItem(event.id);
    if (item) await putItem({ ...item, pk: `ARCHIVE#${item.pk}` });
    return { archived: Boolean(item) };
  },
};
