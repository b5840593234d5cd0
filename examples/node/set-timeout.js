// timer-leak: the seed article's first example. The timer fires during the next invocation.
const randomBetween1To10 = () => Math.floor(Math.random() * 10);

exports.handler = async (event, context) => {
  const randomNumber = randomBetween1To10();
  console.log("My random number - ", randomNumber);
  setTimeout(() => {
    console.log("(After 20ms) My random number - ", randomNumber);
  }, 20);
  return "OK";
};
