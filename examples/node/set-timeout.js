// timer-leak: a timer the handler does not wait for. It fires during the next invocation.
const randomBetween1To10 = () => Math.floor(Math.random() * 10);

exports.handler = async (event, context) => {
  const randomNumber = randomBetween1To10();
  console.log("My random number - ", randomNumber);
  setTimeout(() => {
    console.log("(After 20ms) My random number - ", randomNumber);
  }, 20);
  return "OK";
};
