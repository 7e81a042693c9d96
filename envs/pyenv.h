/*
 * pyenv.h - Gymnasium (Python) environments behind the env interface: see
 * pyenv.c for the spelling (gym:ID, py:module:Class), how they run and seed.
 */
#ifndef PYENV_H
#define PYENV_H

#include "env.h"

/* Whether id names a Python environment (gym:... or py:...). */
int pyenv_is_python_id(const char *id);
/* The registered spec of a Python id, made on first use; NULL if id is not one. */
const struct env_spec *pyenv_lookup(const char *id);
/* The project's virtual environment ($HARNESS_VENV or the build's .venv). */
const char *pyenv_venv(void);
/* "python=3.11.2;gymnasium=1.4.0;..." of a described environment, or NULL. */
const char *pyenv_versions(const struct params *opts);
/* Steps/s of a plain Python loop over Gymnasium's gym_id (a separate process), or -1. */
double pyenv_loop_rate(const char *gym_id, double seconds);

#endif
