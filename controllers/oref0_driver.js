// pumpproof's driver for oref0, unmodified: one JSON request per stdin line, one JSON answer
// per stdout line. It runs oref0's own pipeline as OpenAPS's loop does (oref0-get-profile's
// input assembly and lib/profile, lib/iob, lib/meal, lib/glucose-get-last, then
// determine-basal with lib/basal-set-temp), at a clock and time zone set per request:
// process.env.TZ is the zone, and Date without arguments is the request's "now", since
// oref0's profile lookups read the wall clock.
'use strict';

var path = require('path');
var readline = require('readline');

var oref0 = process.argv[2];
var RealDate = Date;
var fakeNow = RealDate.now();

function FakeDate() {
  var args = Array.prototype.slice.call(arguments);
  if (!(this instanceof FakeDate)) { return new RealDate(fakeNow).toString(); }
  if (args.length === 0) { return new RealDate(fakeNow); }
  return new (Function.prototype.bind.apply(RealDate, [null].concat(args)))();
}
FakeDate.prototype = RealDate.prototype;
FakeDate.now = function () { return fakeNow; };
FakeDate.parse = RealDate.parse;
FakeDate.UTC = RealDate.UTC;
global.Date = FakeDate;

// oref0 logs to stderr as it works; keep stdout for answers only.
console.log = console.error;
var out = process.stdout;

var generateProfile = require(path.join(oref0, 'lib/profile'));
var generateIob = require(path.join(oref0, 'lib/iob'));
var generateMeal = require(path.join(oref0, 'lib/meal'));
var getLastGlucose = require(path.join(oref0, 'lib/glucose-get-last'));
var determineBasal = require(path.join(oref0, 'lib/determine-basal/determine-basal'));
var tempBasalFunctions = require(path.join(oref0, 'lib/basal-set-temp'));
var version = require(path.join(oref0, 'package.json')).version;

function decide(req) {
  process.env.TZ = req.tz;
  fakeNow = req.now_ms;
  var result = { stdout: '', err: '', return_val: 0 };
  // bin/oref0-get-profile.js: preferences first, max_iob defaulting to 0, then the files.
  var inputs = {};
  Object.keys(req.preferences).forEach(function (k) { inputs[k] = req.preferences[k]; });
  inputs.max_iob = inputs.max_iob || 0;
  inputs.settings = req.pump_settings;
  inputs.targets = req.bg_targets;
  inputs.basals = req.basal_profile;
  inputs.isf = req.isf;
  inputs.carbratio = req.carb_ratios;
  inputs.temptargets = [];
  inputs.model = req.model;
  var profile = generateProfile(result, inputs);
  if (profile === -1 || typeof profile !== 'object') {
    return { error: 'profile refused: ' + result.err };
  }
  var clock = req.clock;
  var iob = generateIob({ history: req.pumphistory, profile: profile, clock: clock,
                          autosens: req.autosens });
  var meal = generateMeal({ history: req.pumphistory, profile: profile, basalprofile:
                            req.basal_profile, clock: clock, carbs: req.carbhistory,
                            glucose: req.glucose });
  var glucoseStatus = getLastGlucose(req.glucose);
  var rT = determineBasal(glucoseStatus, req.currenttemp, iob, profile, req.autosens, meal,
                          tempBasalFunctions, req.microbolus, null, new RealDate(req.now_ms));
  return { rT: rT, profile: { max_basal: profile.max_basal, max_iob: profile.max_iob,
                              current_basal: profile.current_basal } };
}

var lines = readline.createInterface({ input: process.stdin });
lines.on('line', function (line) {
  if (!line.trim()) { return; }
  var req;
  try { req = JSON.parse(line); } catch (e) { out.write(JSON.stringify({ error: 'bad request' }) + '\n'); return; }
  if (req.op === 'quit') { process.exit(0); }
  if (req.op === 'version') { out.write(JSON.stringify({ version: version }) + '\n'); return; }
  if (req.op === 'determine-basal') {
    // oref0-determine-basal.js's own call on its own input files (the examples test).
    var rT = determineBasal(getLastGlucose(req.glucose), req.currenttemp, req.iob, req.profile,
                            req.autosens, req.meal, tempBasalFunctions, req.microbolus, null,
                            new RealDate(req.current_time_ms));
    out.write(JSON.stringify({ rT: rT }) + '\n');
    return;
  }
  var answer;
  try {
    answer = decide(req);
  } catch (e) {
    answer = { error: 'oref0 threw ' + (e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : String(e)) };
  }
  out.write(JSON.stringify(answer) + '\n');
});
