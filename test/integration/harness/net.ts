// Small network helpers for the tests; implemented once, next to the product's moto launcher.
export { freePort, httpRequest, readBody, sleep, type SimpleResponse } from '../../../cli/local/moto';
