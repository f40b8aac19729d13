enum _PlaceholderCALClearinghouse {}
