"""decide: the policy turns findings into decisions and one verdict per submission (``policy``), refined by
industry and employer layers (``policy_layers``), reviews and overrides (``review``) and baseline files of
accepted findings (``baseline``)."""
