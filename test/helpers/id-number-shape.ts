/**
 * Something shaped like an identity number in clear: 17 digits and a digit or X, standing alone.
 * Not inside a longer run of letters and digits: a hex digest (a receipt's body SHA-256, a subject
 * digest) holds 18 decimal digits in a row about once in a hundred, which a bare /\d{17}[\dX]/
 * took for a leak.
 */
export const ID_NUMBER_SHAPE = /(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])/
