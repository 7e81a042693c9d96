/*
 * suggest.h - "did you mean" for names a user types: hyperparameters, commands
 * and options (util.h's did_you_mean; environment ids and learners:
 * env_suggest in env.h, learner_suggest in learner.h, over their registries).
 * Each returns "did you mean 'X'? " to put inside a message's
 * parentheses, or "" when nothing is close; the text lives until the next call.
 */
#ifndef SUGGEST_H
#define SUGGEST_H

#include "params.h"

const char *suggest_param(const struct param_def *defs, const char *name);
/* Among a NULL-terminated list of words (options, commands). */
const char *suggest_word(const char *word, const char *const *words);

#endif
