/*
 * pyenv_impl.h - what the two halves of Gymnasium environments share
 * (pyenv.c: ids, options, the describe process; pyenv_embed.c: the embedded
 * interpreter); not for use elsewhere.
 */
#ifndef PYENV_IMPL_H
#define PYENV_IMPL_H

#include <jansson.h>
#include "env.h"

extern const struct param_def pyenv_options[];

/* pyenv.c: "class" (py:) or "id" (gym:), for messages; the target of a gym:/py: id; the spec-side configure (spaces via
 * the describe process, cached); whether observations of opts arrive (H, W, C). */
const char *pyenv__kind_of(const char *id);
const char *pyenv__target_name(const char *target);
int pyenv__configure(const struct params *opts, struct env_info *info, char *why, size_t n);
int pyenv__hwc(const struct params *opts);

/* pyenv_embed.c: the spaces of opts, from the embedded interpreter (JSON as harness_gym.py describe). */
json_t *pyenv_describe_embedded(const struct params *o, char *why, size_t n);

#endif
