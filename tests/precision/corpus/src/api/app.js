const express = require('express');
const fs = require('fs');

const app = express();

app.get('/readme', (req, res, next) => {
  fs.readFile(`${__dirname}/README.md`, 'utf8', (err, text) => {
    if (err) return next(err);
    return res.type('text/markdown').send(text);
  });
});

module.exports = app;
