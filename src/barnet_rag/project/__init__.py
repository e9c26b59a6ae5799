"""Reading and validating a project's files into models and the engine's inputs."""
