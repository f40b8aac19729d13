enum _PlaceholderCALLicenseServer {}
