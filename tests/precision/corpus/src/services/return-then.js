const axios = require('axios');

const api = axios.create({ baseURL: process.env.API_URL, timeout: 4000 });

function fetchRates(currency) {
  return api.get(`/rates/${currency}`).then((response) => response.data.rates);
}

exports.handler = (event) => {
  return fetchRates(event.currency)
    .then((rates) => ({ statusCode: 200, body: JSON.stringify(rates) }))
    .catch((error) => ({ statusCode: 502, body: JSON.stringify({ message: error.message }) }));
};
