"""The pages of ``kg serve``, one module each: actors (search and actor page), articles, network,
query and curation."""
