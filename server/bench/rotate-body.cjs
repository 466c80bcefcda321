'use strict';

// autocannon's setupRequest for hammer({ bodies }) (intake.ts). Its worker thread cannot clone a
// function, so it requires this file by path; the bodies travel with the request options. One worker
// serves every connection, so one counter hands each request the next body: no two share one.
let next = 0;

module.exports = (request) => ({ ...request, body: request.bodies[next++ % request.bodies.length] });
