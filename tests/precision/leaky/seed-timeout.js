const axios = require('axios');

exports.handler = async (event) => {
  setTimeout(() => { // LEAK timer-leak
    console.log('Hello from setTimeout');
  }, 1000);
  axios.get('https://example.com/data').then((response) => console.log(response.status)); // LEAK floating-promise
  return { statusCode: 200, body: event.path };
};
