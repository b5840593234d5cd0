// A timer the handler does not wait for: it fires in a later invocation (or never).
const randomBetween1To10 = () => Math.floor(Math.random() * 10);

exports.handler = async (event, context) => {
  const randomNumber = randomBetween1To10();
  console.log("My random number - ", randomNumber);
  setTimeout(() => {
    console.log("(After 20ms) My random number - ", randomNumber);
  }, 20);
  return "OK";
};
